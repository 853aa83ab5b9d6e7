using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>Input the cluster must refuse with a message and exit code 64, without storing anything.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(SharedSiloCollection.Name)]
public sealed class InvalidInputTests(SiloFixture fixture)
{
    // Each case: the command string, the rule the client must name, and a piece of the explanation.
    private static readonly Dictionary<string, (string Command, string Rule, string Explanation)> Malformed = new()
    {
        ["unbalanced quote"] = ("echo 'a", "unbalanced-quote", "never closed"),
        ["empty"] = ("", "empty", "The command is empty"),
        ["blanks only"] = ("   ", "empty", "The command is empty"),
        ["control character"] = ("echo a\u0001b", "control-character", "U+0001"),
        ["over 64 KiB"] = ("echo " + new string('a', 64 * 1024), "too-long", "the limit is 65536 bytes"),
    };

    private SiloProcess Silo => fixture.Silo;

    [Fact]
    public async Task Dispatch_UnknownCommand_Exits64NamingAllowedCommandsAndStoresNothing()
    {
        var rowsBefore = await Silo.CountStoredRowsAsync();

        var result = await Silo.Client.RunAsync("dispatch", "nosuch arg");

        result.ShouldExit(ExitCode.InvalidInput);
        Assert.Contains("unknown-command", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("'nosuch'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("allowed: demo, echo, false, sleep, true", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(rowsBefore, await Silo.CountStoredRowsAsync());
    }

    [Theory]
    [InlineData("unbalanced quote")]
    [InlineData("empty")]
    [InlineData("blanks only")]
    [InlineData("control character")]
    [InlineData("over 64 KiB")]
    public async Task Dispatch_MalformedCommand_Exits64NamingRuleAndStoresNothing(string malformed)
    {
        var (command, rule, explanation) = Malformed[malformed];
        var rowsBefore = await Silo.CountStoredRowsAsync();

        var result = await Silo.Client.RunAsync("dispatch", command);

        result.ShouldExit(ExitCode.InvalidInput);
        Assert.Contains($"command rejected ({rule})", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(explanation, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(rowsBefore, await Silo.CountStoredRowsAsync());
    }

    [Fact]
    public async Task Dispatch_Accepted_StoresOneRow()
    {
        // The counterpart of the refusals above: proves the row count does see a stored action.
        var rowsBefore = await Silo.CountStoredRowsAsync();

        (await Silo.Client.RunAsync("dispatch", "--async", "echo stored")).ShouldExit(ExitCode.Ok);

        Assert.Equal(rowsBefore + 1, await Silo.CountStoredRowsAsync());
    }

    [Fact]
    public async Task Status_MalformedId_Exits64()
    {
        var result = await Silo.Client.RunAsync("status", "not-a-guid");

        result.ShouldExit(ExitCode.InvalidInput);
        Assert.Contains("'not-a-guid' is not an action id", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("watch")]
    [InlineData("cancel")]
    public async Task Command_UnknownId_Exits66WithNotFoundAndStoresNothing(string command)
    {
        var id = Guid.NewGuid();
        var rowsBefore = await Silo.CountStoredRowsAsync();

        var result = await Silo.Client.RunAsync(command, id.ToString());

        result.ShouldExit(ExitCode.NotFound);
        Assert.Contains($"action {id} not found", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(rowsBefore, await Silo.CountStoredRowsAsync());
    }

    [Theory]
    [InlineData("unparsable number", new[] { "dispatch", "--timeout", "soon", "echo x" }, "Cannot parse argument 'soon' for option '--timeout'")]
    [InlineData("negative timeout", new[] { "dispatch", "--timeout", "-5", "echo x" }, "--timeout must be a positive number of seconds")]
    [InlineData("zero attempts", new[] { "dispatch", "--max-attempts", "0", "echo x" }, "attempts must be between 1 and 100")]
    [InlineData("unknown option", new[] { "dispatch", "echo x", "--bogus" }, "Unrecognized command or argument '--bogus'")]
    [InlineData("missing argument", new[] { "watch" }, "Required argument 'id' missing")]
    public async Task Client_BadOption_Exits64WithMessageAndStoresNothing(string problem, string[] arguments, string message)
    {
        var rowsBefore = await Silo.CountStoredRowsAsync();

        var result = await Silo.Client.RunAsync(arguments);

        result.ShouldExit(ExitCode.InvalidInput);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.True(rowsBefore == await Silo.CountStoredRowsAsync(), $"a {problem} stored an action");
    }
}
