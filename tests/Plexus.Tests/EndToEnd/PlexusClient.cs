using System.Text.Json;
using Plexus.Client;

namespace Plexus.Tests.EndToEnd;

/// <summary>Runs the real <c>plexus-client</c> against one gateway, named through <c>PLEXUS_GATEWAY</c> as a user would.</summary>
/// <param name="gateway">The gateway, <c>host:port</c>.</param>
/// <param name="context">Gives what else explains a failure (the silo's latest log lines); called once per run.</param>
/// <param name="environment">More environment variables for every run, e.g. <c>PLEXUS_API_KEY</c>.</param>
public sealed class PlexusClient(string gateway, Func<string>? context = null, IReadOnlyDictionary<string, string?>? environment = null)
{
    /// <summary>Returns a client like this one whose runs also get <paramref name="more"/> in their environment.</summary>
    public PlexusClient With(IReadOnlyDictionary<string, string?> more) =>
        new(gateway, context, new Dictionary<string, string?>((environment ?? new Dictionary<string, string?>()).Concat(more)));

    /// <summary>The longest a run may take before it is killed and the test fails; far above what any command here needs.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs <c>plexus-client</c> with <paramref name="arguments"/> and returns what it did.</summary>
    public Task<ProcessResult> RunAsync(params string[] arguments) => RunAsync(arguments, DefaultTimeout);

    /// <summary>Runs <c>plexus-client</c> with <paramref name="arguments"/>, killing it after <paramref name="timeout"/>.</summary>
    public async Task<ProcessResult> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var variables = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>()) { [GatewayAddress.EnvironmentVariable] = gateway };
        var result = await ProcessRunner.RunAsync(Binaries.Client, arguments, timeout, variables);
        return context is null ? result : result with { Context = context() };
    }

    /// <summary>
    /// Asks <c>status --json</c> for action <paramref name="id"/> until it is <paramref name="expected"/> and returns
    /// its document; fails the test with the last answer when <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<JsonElement> WaitForStatusAsync(Guid id, string expected, TimeSpan timeout) =>
        JsonOutput.Parse(await Poll.UntilAsync(
            () => RunAsync("status", id.ToString(), "--json"),
            status => status.ExitCode == 0 && JsonOutput.Parse(status).GetProperty("status").GetString() == expected,
            timeout,
            $"action {id} to be {expected} in `status --json`",
            interval: TimeSpan.FromMilliseconds(200)));
}
