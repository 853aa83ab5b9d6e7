using System.CommandLine;
using Plexus.Actions;

namespace Plexus.Client.Cli;

/// <summary>The <c>plexus-client</c> command line: its commands, options and what each one does.</summary>
public static class ClientCommands
{
    private static readonly Option<string> Gateway = new("--gateway")
    {
        Description = $"The cluster gateway, host:port (env {GatewayAddress.EnvironmentVariable}; default {GatewayAddress.Default})",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(GatewayAddress.EnvironmentVariable) is { Length: > 0 } env ? env : GatewayAddress.Default,
    };

    private static readonly Option<bool> Json = new("--json") { Description = "Print the action document as JSON" };

    /// <summary>Builds the root command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Dispatch commands to a Plexus cluster and follow their actions.\n\n" + ExitCodes.Description) { Gateway };
        root.Add(Dispatch());
        root.Add(Status());
        return root;
    }

    private static Command Dispatch()
    {
        var command = new Argument<string>("command") { Description = "The command to run, quoted as one argument, e.g. \"demo --items 50\"" };
        var async = new Option<bool>("--async") { Description = "Print the action id and return at once instead of waiting" };
        var timeout = new Option<double?>("--timeout") { Description = "Run-time limit of the command, in seconds" };
        var dispatch = new Command("dispatch", "Run a command on the cluster; waits and prints its output unless --async") { command, async, timeout, Json };
        dispatch.SetAction((parse, cancellationToken) => RunAsync(parse, async connection =>
        {
            if (parse.GetValue(timeout) is { } seconds && (seconds <= 0 || !double.IsFinite(seconds)))
            {
                throw new PlexusException($"--timeout must be a positive number of seconds; it is {seconds}.");
            }

            var request = new ActionRequest(
                parse.GetValue(command)!,
                ActionClient.DefaultSubmitter,
                parse.GetValue(timeout) is { } limit ? TimeSpan.FromSeconds(limit) : null);
            var queued = await connection.Actions.DispatchAsync(request).ConfigureAwait(false);
            if (parse.GetValue(async))
            {
                Console.WriteLine(parse.GetValue(Json) ? ActionJson.Serialize(queued) : $"{queued.Id}\nFollow it with: plexus-client status {queued.Id}");
                return ExitCodes.Ok;
            }

            var final = await WaitAsync(connection, queued.Id, cancellationToken).ConfigureAwait(false);
            return PrintFinal(final, parse.GetValue(Json));
        }, cancellationToken));
        return dispatch;
    }

    private static Command Status()
    {
        var id = new Argument<string>("id") { Description = "The action id that dispatch printed" };
        var status = new Command("status", "Show an action: its state, timings and result") { id, Json };
        status.SetAction((parse, cancellationToken) =>
        {
            // A malformed id is refused before any connection is made.
            var actionId = ParseIdOrExit(parse.GetValue(id)!, out var exit);
            return actionId is null ? Task.FromResult(exit) : RunAsync(parse, async connection =>
            {
                if (await connection.Actions.GetAsync(actionId.Value).ConfigureAwait(false) is not { } action)
                {
                    return NotFound(actionId.Value);
                }

                Console.Write(parse.GetValue(Json) ? ActionJson.Serialize(action) + Environment.NewLine : ActionSummary.Format(action));
                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return status;
    }

    private static async Task<ActionSnapshot> WaitAsync(PlexusConnection connection, Guid id, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.Actions.WaitForFinalAsync(id, cancellationToken).ConfigureAwait(false)
                ?? throw new PlexusException($"Action {id} disappeared while waiting for it.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine($"plexus-client: stopped waiting; action {id} goes on. Follow it with: plexus-client status {id}");
            throw;
        }
    }

    // Synchronous dispatch: the command's output on our output, its exit code as ours.
    private static int PrintFinal(ActionSnapshot action, bool json)
    {
        if (json)
        {
            Console.WriteLine(ActionJson.Serialize(action));
        }
        else if (action.Result is { } result)
        {
            Console.Out.Write(result.Stdout);
            Console.Error.Write(result.Stderr);
        }

        if (action.Result is { ExitCode: { } exitCode })
        {
            return exitCode;
        }

        Console.Error.WriteLine($"plexus-client: action {action.Id} ended {action.Status}: {action.Result?.Error ?? "no result"}");
        return ExitCodes.NoExitCode;
    }

    private static Guid? ParseIdOrExit(string text, out int exitCode)
    {
        try
        {
            exitCode = ExitCodes.Ok;
            return ActionClient.ParseId(text);
        }
        catch (PlexusException ex)
        {
            Console.Error.WriteLine($"plexus-client: {ex.Message}");
            exitCode = ExitCodes.InvalidInput;
            return null;
        }
    }

    private static int NotFound(Guid id)
    {
        Console.Error.WriteLine($"plexus-client: action {id} not found.");
        return ExitCodes.NotFound;
    }

    // Connects, runs the body, and turns every error a user can cause into a message and an exit code.
    private static async Task<int> RunAsync(ParseResult parse, Func<PlexusConnection, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            var gateway = GatewayAddress.Resolve(parse.GetValue(Gateway)!);
            await using var connection = await PlexusConnection.ConnectAsync(gateway, cancellationToken).ConfigureAwait(false);
            return await body(connection).ConfigureAwait(false);
        }
        catch (ClusterUnavailableException ex)
        {
            Console.Error.WriteLine($"plexus-client: {ex.Message}");
            Console.Error.WriteLine("Is a silo running? Start one with: dotnet run --project src/Plexus.Silo (or point --gateway / PLEXUS_GATEWAY at one).");
            return ExitCodes.Unavailable;
        }
        catch (CommandRejectedException ex)
        {
            Console.Error.WriteLine($"plexus-client: command rejected ({ex.Rule}): {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (PlexusException ex)
        {
            Console.Error.WriteLine($"plexus-client: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
    }
}
