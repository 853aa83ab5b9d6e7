using Plexus.Commands;
using Xunit;

namespace Plexus.Tests.Unit;

[Trait(Category.Name, Category.Unit)]
public sealed class ExecutionOptionsValidatorTests
{
    private static readonly ExecutionOptionsValidator Validator = new();

    private static ExecutionOptions ValidOptions()
    {
        var options = new ExecutionOptions { Concurrency = 2, MaxOutputBytes = 1024 };
        options.Commands["echo"] = new CommandDefinition { Executable = "echo" };
        return options;
    }

    [Fact]
    public void Validate_ValidOptions_Succeeds()
    {
        var result = Validator.Validate(null, ValidOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var result = Validator.Validate(null, new ExecutionOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_ConcurrencyBelowOne_FailsNamingTheKey(int concurrency)
    {
        var options = ValidOptions();
        options.Concurrency = concurrency;

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Plexus:Concurrency", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains($"it is {concurrency}", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1023)]
    [InlineData(0)]
    public void Validate_MaxOutputBytesBelow1024_FailsNamingTheKey(int maxOutputBytes)
    {
        var options = ValidOptions();
        options.MaxOutputBytes = maxOutputBytes;

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Plexus:MaxOutputBytes", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("1024", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_CommandWithoutExecutable_FailsNamingTheKey(string executable)
    {
        var options = ValidOptions();
        options.Commands["greet"] = new CommandDefinition { Executable = executable };

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Plexus:Commands:greet:Executable", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("two words")]
    [InlineData("it's")]
    [InlineData("back\\slash")]
    [InlineData("")]
    public void Validate_UnusableCommandName_FailsNamingTheCommand(string name)
    {
        var options = ValidOptions();
        options.Commands[name] = new CommandDefinition { Executable = "echo" };

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"'{name}' is not a usable command name", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEachOne()
    {
        var options = ValidOptions();
        options.Concurrency = 0;
        options.MaxOutputBytes = 10;
        options.Commands["greet"] = new CommandDefinition();

        var result = Validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
    }
}
