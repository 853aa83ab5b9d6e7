using System.Text;
using Plexus.Actions;
using Plexus.Execution;
using Xunit;

namespace Plexus.Tests.Unit;

[Trait(Category.Name, Category.Unit)]
public sealed class CommandResultsTests
{
    private static readonly WorkerInfo Worker = new("S127.0.0.1:11111:1", "host-a");
    private static readonly DateTimeOffset StartedAt = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FinishedAt = StartedAt.AddMilliseconds(1_234);

    private static CappedOutput Output(string text, int cap = 1024)
    {
        var output = new CappedOutput(cap);
        output.Write(Encoding.UTF8.GetBytes(text));
        return output;
    }

    private static CommandResult From(int? exitCode, string? startError = null, string stdout = "", string stderr = "") =>
        CommandResults.From("echo hi", 2, Worker, StartedAt, FinishedAt, new ProcessOutcome(exitCode, startError, Output(stdout), Output(stderr), Stopped: false));

    [Fact]
    public void From_ExitZero_IsSuccessWithoutError()
    {
        var result = From(0, stdout: "hi\n");

        Assert.Equal(ResultStatus.Success, result.Status);
        Assert.True(result.IsSuccess);
        Assert.Null(result.Error);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("hi\n", result.Stdout);
    }

    [Fact]
    public void From_ExitOne_IsErrorMentioningTheCode()
    {
        var result = From(1, stderr: "boom\n");

        Assert.Equal(ResultStatus.Error, result.Status);
        Assert.False(result.IsSuccess);
        Assert.Equal(1, result.ExitCode);
        Assert.NotNull(result.Error);
        Assert.Contains("code 1", result.Error, StringComparison.Ordinal);
        Assert.Equal("boom\n", result.Stderr);
    }

    [Fact]
    public void From_ExitTwo_IsErrorMentioningUsage()
    {
        var result = From(2);

        Assert.Equal(ResultStatus.Error, result.Status);
        Assert.Equal(2, result.ExitCode);
        Assert.NotNull(result.Error);
        Assert.Contains("code 2", result.Error, StringComparison.Ordinal);
        Assert.Contains("usage", result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(127)]
    [InlineData(-1)]
    public void From_OtherNonZeroExit_IsErrorMentioningTheCode(int exitCode)
    {
        var result = From(exitCode);

        Assert.Equal(ResultStatus.Error, result.Status);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains($"code {exitCode}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void From_StartError_IsErrorWithoutExitCodeCarryingTheStartError()
    {
        const string startError = "The command could not start 'nope': the program was not found.";

        var result = From(null, startError);

        Assert.Equal(ResultStatus.Error, result.Status);
        Assert.Null(result.ExitCode);
        Assert.Equal(startError, result.Error);
    }

    [Fact]
    public void From_NoExitCodeAndNoStartError_IsStillAnError()
    {
        var result = From(null);

        Assert.Equal(ResultStatus.Error, result.Status);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Fact]
    public void From_AnyOutcome_CarriesAttemptWorkerTimesAndDroppedBytes()
    {
        var stdout = Output(new string('o', 3000));
        var stderr = Output(new string('e', 1500));

        var result = CommandResults.From("demo run", 3, Worker, StartedAt, FinishedAt, new ProcessOutcome(0, null, stdout, stderr, Stopped: false));

        Assert.Equal("demo run", result.Command);
        Assert.Equal(3, result.Attempt);
        Assert.Equal(Worker, result.Worker);
        Assert.Equal(StartedAt, result.StartedAt);
        Assert.Equal(FinishedAt, result.FinishedAt);
        Assert.Equal(TimeSpan.FromMilliseconds(1_234), result.Duration);
        Assert.Equal(3000 - 1024, result.StdoutDroppedBytes);
        Assert.Equal(1500 - 1024, result.StderrDroppedBytes);
        Assert.Equal(stdout.ToString(), result.Stdout);
        Assert.Equal(stderr.ToString(), result.Stderr);
    }

    [Fact]
    public void Refused_AnyReason_IsErrorThatNeverRan()
    {
        const string reason = "This worker cannot run it: Unknown command 'x'.";

        var result = CommandResults.Refused("x y", 4, Worker, StartedAt, reason);

        Assert.Equal(ResultStatus.Error, result.Status);
        Assert.Equal("x y", result.Command);
        Assert.Equal(reason, result.Error);
        Assert.Null(result.ExitCode);
        Assert.Equal(4, result.Attempt);
        Assert.Equal(Worker, result.Worker);
        Assert.Equal(StartedAt, result.StartedAt);
        Assert.Equal(StartedAt, result.FinishedAt);
        Assert.Equal(TimeSpan.Zero, result.Duration);
        Assert.Equal("", result.Stdout);
        Assert.Equal("", result.Stderr);
        Assert.Equal(0, result.StdoutDroppedBytes);
        Assert.Equal(0, result.StderrDroppedBytes);
    }
}
