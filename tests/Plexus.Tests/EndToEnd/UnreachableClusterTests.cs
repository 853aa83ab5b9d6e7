using Xunit;

namespace Plexus.Tests.EndToEnd;

/// <summary>The client pointed at a port where no silo listens.</summary>
[Trait(Category.Name, Category.EndToEnd)]
[Collection(StandaloneProcessCollection.Name)]
public sealed class UnreachableClusterTests
{
    // A command-line user waits for an answer: saying that nothing listens must not take minutes.
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("dispatch", "echo hello")]
    [InlineData("status", "0193c3a2-5d1e-7c4b-9a57-2f8e4b1c0d9a")]
    public async Task Client_NoSiloAtGateway_Exits69WithMessageAndNoStackTrace(string command, string argument)
    {
        var client = new PlexusClient($"127.0.0.1:{FreePort.Next()}");

        var result = await client.RunAsync([command, argument], Answer);

        result.ShouldExit(ExitCode.Unavailable);
        Assert.Contains("Cannot reach the Plexus cluster at 127.0.0.1:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Is a silo running?", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stdout, StringComparison.Ordinal);
    }
}
