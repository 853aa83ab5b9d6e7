using Plexus.Commands;
using Plexus.Tests.Unit.Support;
using Xunit;

namespace Plexus.Tests.Unit;

[Trait(Category.Name, Category.Unit)]
public sealed class CommandCatalogTests
{
    private static CommandCatalog Catalog(params (string Name, CommandDefinition Definition)[] commands)
    {
        var options = new ExecutionOptions();
        foreach (var (name, definition) in commands)
        {
            options.Commands[name] = definition;
        }

        return new CommandCatalog(new TestOptionsMonitor<ExecutionOptions>(options));
    }

    private static CommandDefinition Definition(string executable, params string[] arguments)
    {
        var definition = new CommandDefinition { Executable = executable };
        definition.Arguments.AddRange(arguments);
        return definition;
    }

    [Fact]
    public void Unrunnable_EntriesWhoseProgramCannotStart_AreListedWithTheReasonAndTheOthersAreNot()
    {
        var elsewhere = new CommandDefinition { Executable = "echo", WorkingDirectory = "/nonexistent/folder" };
        var catalog = Catalog(
            ("echo", Definition("echo")),
            ("ghost", Definition("/nonexistent/ghost-program")),
            ("folder", Definition("/tmp")),
            ("elsewhere", elsewhere),
            ("shell", Definition("/bin/sh", "-c")));

        var unrunnable = catalog.Unrunnable();

        Assert.Equal(
            [
                ("elsewhere", "echo", "its working directory '/nonexistent/folder' does not exist"),
                ("folder", "/tmp", "it is a directory, not a program"),
                ("ghost", "/nonexistent/ghost-program", "the program was not found"),
            ],
            unrunnable);
    }

    [Fact]
    public void Resolve_UnknownCommand_IsRejectedListingAllowedNames()
    {
        var catalog = Catalog(("sleep", Definition("sleep")), ("echo", Definition("echo")), ("demo", Definition("plexus-demo")));

        var error = Assert.Throws<CommandRejectedException>(() => catalog.Resolve("rm -rf /"));

        Assert.Equal(CommandRules.UnknownCommand, error.Rule);
        Assert.Contains("'rm'", error.Message, StringComparison.Ordinal);
        Assert.Contains("allowed: demo, echo, sleep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_EmptyCatalog_IsRejectedSayingNoneAreConfigured()
    {
        var error = Assert.Throws<CommandRejectedException>(() => Catalog().Resolve("echo hi"));

        Assert.Equal(CommandRules.UnknownCommand, error.Rule);
        Assert.Contains("none are configured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NameInOtherCase_IsRejectedBecauseNamesAreCaseSensitive()
    {
        var catalog = Catalog(("echo", Definition("echo")));

        var error = Assert.Throws<CommandRejectedException>(() => catalog.Resolve("ECHO hi"));

        Assert.Equal(CommandRules.UnknownCommand, error.Rule);
    }

    [Fact]
    public void Resolve_BrokenCommandText_IsRejectedWithTheTextRule()
    {
        var catalog = Catalog(("echo", Definition("echo")));

        var error = Assert.Throws<CommandRejectedException>(() => catalog.Resolve("echo 'open"));

        Assert.Equal(CommandRules.Unbalanced, error.Rule);
    }

    [Fact]
    public void Validate_KnownCommand_AcceptsTheStringResolveRunsWithItsWords()
    {
        var catalog = Catalog(("echo", Definition("echo")));

        var error = Record.Exception(() => catalog.Validate("echo 'a b' c"));
        var spec = catalog.Resolve("echo 'a b' c");

        Assert.Null(error);
        Assert.Equal(["a b", "c"], spec.Arguments);
    }

    [Fact]
    public void Validate_UnknownCommand_IsRejected()
    {
        var catalog = Catalog(("echo", Definition("echo")));

        var error = Assert.Throws<CommandRejectedException>(() => catalog.Validate("cat /etc/passwd"));

        Assert.Equal(CommandRules.UnknownCommand, error.Rule);
    }

    [Fact]
    public void Resolve_FixedArguments_ComeBeforeDispatchedOnes()
    {
        var catalog = Catalog(("greet", Definition("/bin/echo", "-n", "fixed one")));

        var spec = catalog.Resolve("greet 'a b' c");

        Assert.Equal(["-n", "fixed one", "a b", "c"], spec.Arguments);
    }

    [Fact]
    public void Resolve_NoDispatchedArguments_GivesOnlyFixedArguments()
    {
        var catalog = Catalog(("greet", Definition("/bin/echo", "hello")));

        Assert.Equal(["hello"], catalog.Resolve("greet").Arguments);
    }

    [Fact]
    public void Resolve_WorkingDirectoryAndEnvironment_PassThrough()
    {
        var definition = Definition("/bin/sh");
        definition.WorkingDirectory = "/srv/work";
        definition.Environment["FOO"] = "bar";
        definition.Environment["EMPTY"] = "";
        var catalog = Catalog(("sh", definition));

        var spec = catalog.Resolve("sh -c true");

        Assert.Equal("/srv/work", spec.WorkingDirectory);
        Assert.Equal(new Dictionary<string, string> { ["FOO"] = "bar", ["EMPTY"] = "" }, spec.Environment);
    }

    [Fact]
    public void Resolve_NoWorkingDirectory_LeavesItNull()
    {
        var catalog = Catalog(("echo", Definition("echo")));

        Assert.Null(catalog.Resolve("echo").WorkingDirectory);
    }

    [Fact]
    public void Resolve_BareName_StaysAsConfiguredForTheRunnerToLocate()
    {
        var catalog = Catalog(("demo", Definition("plexus-demo")));

        Assert.Equal("plexus-demo", catalog.Resolve("demo --help").Executable);
    }

    [Theory]
    [InlineData("/bin/echo")]
    [InlineData("./plexus-demo")]
    [InlineData("tools/plexus-demo")]
    public void Resolve_ExecutableWithSlash_StaysAsGiven(string executable)
    {
        var catalog = Catalog(("run", Definition(executable)));

        Assert.Equal(executable, catalog.Resolve("run").Executable);
    }

    [Fact]
    public void Names_AreSortedOrdinally()
    {
        var catalog = Catalog(("sleep", Definition("sleep")), ("Zed", Definition("zed")), ("demo", Definition("plexus-demo")));

        Assert.Equal(["Zed", "demo", "sleep"], catalog.Names);
    }
}
