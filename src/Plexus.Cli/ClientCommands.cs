using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Plexus.Actions;
using Plexus.Audit;
using Plexus.Client;
using Plexus.Queries;
using Plexus.Queues;
using Plexus.Security;
using Plexus.Tls;

namespace Plexus.Cli;

/// <summary>The <c>plexus-client</c> command line: its commands, options and what each one does.</summary>
public static class ClientCommands
{
    private static readonly Option<string> Gateway = new("--gateway")
    {
        Description = $"The cluster gateway, host:port (env {GatewayAddress.EnvironmentVariable}; default {GatewayAddress.Default})",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(GatewayAddress.EnvironmentVariable) is { Length: > 0 } env ? env : GatewayAddress.Default,
    };

    private static readonly Option<string?> ApiKeyFile = new("--api-key-file")
    {
        Description = $"A file holding the API key to present (default: the {ApiKeyEnvironmentVariable} environment variable; none when the cluster needs none)",
        Recursive = true,
    };

    /// <summary>The environment variable the API key is read from when no <c>--api-key-file</c> is given.</summary>
    public const string ApiKeyEnvironmentVariable = "PLEXUS_API_KEY";

    // Flags take no value, so `dispatch --async true` dispatches `true` instead of reading it as the flag's value.
    private static readonly Option<bool> Json = new("--json") { Description = "Print the action document as JSON", Arity = ArgumentArity.Zero };

    /// <summary>Builds the root command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Dispatch commands to a Plexus cluster and follow their actions.\n\n" + ExitCodes.Description) { Gateway, ApiKeyFile };
        root.Add(Dispatch());
        root.Add(Status());
        root.Add(Watch());
        root.Add(Cancel());
        root.Add(List());
        root.Add(Output());
        root.Add(Audit());
        root.Add(Workers());
        root.Add(Artifacts());
        return root;
    }

    private static Command Dispatch()
    {
        var command = new Argument<string[]>("command")
        {
            Description = "The command to run, quoted as one argument, e.g. \"demo --items 50\"; several run in order on one worker as the action's steps",
            Arity = ArgumentArity.OneOrMore,
        };
        var keepGoing = new Option<bool>("--keep-going")
        {
            Description = "Run every step even after one failed (the action then fails); by default the first failure skips the rest",
            Arity = ArgumentArity.Zero,
        };
        var startOver = new Option<bool>("--start-over")
        {
            Description = "A retry runs every step again; by default it resumes at the step that failed (steps that succeeded are not run again)",
            Arity = ArgumentArity.Zero,
        };
        var async = new Option<bool>("--async") { Description = "Print the action id and return at once instead of waiting", Arity = ArgumentArity.Zero };
        var timeout = new Option<double?>("--timeout") { Description = "Run-time limit of the command, in seconds" };
        var expires = new Option<double?>("--expires") { Description = "Queue deadline, in seconds: not started by then, the action ends Expired" };
        var maxAttempts = new Option<int?>("--max-attempts") { Description = "Attempts in all, the first included (default from the cluster's Plexus:Retry:MaxAttempts)" };
        var retryOnTimeout = new Option<bool?>("--retry-on-timeout") { Description = "Retry an attempt that ran past --timeout (true/false)" };
        var retryExitCodes = new Option<int[]>("--retry-exit-code")
        {
            Description = "Retry an attempt that exited with this code (repeat for several)",
            AllowMultipleArgumentsPerToken = false,
        };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "Dispatching again with the same key returns the existing action instead of a new one" };
        var retention = new Option<string?>("--retention") { Description = "How long the finished action is kept, e.g. 7d, 12h (default from the cluster's Plexus:Retention, 30 days)" };
        var maxMemory = new Option<string?>("--max-memory")
        {
            Description = "Most resident memory the command's whole process tree may hold, e.g. 256MiB, 2GiB; past it the tree is killed and the action ends Failed (at most the catalog entry's Limits:MaxMemory)",
        };
        var maxCpuTime = new Option<string?>("--max-cpu-time")
        {
            Description = "Most CPU time (user + system) the command's whole process tree may use, e.g. 90s, 10m or 00:10:00; past it the tree is killed and the action ends Failed (at most the catalog entry's Limits:MaxCpuTime)",
        };
        var queue = new Option<string?>("--queue")
        {
            Description = $"The queue it waits in; only silos serving it run it, e.g. gpu or eval/accuracy (default {QueueNames.Default})",
        };
        var dispatch = new Command(
            "dispatch",
            "Run a command on the cluster; follows it live and exits with its exit code unless --async. Several commands run in order " +
            "on one worker as the action's steps. Each command gets PLEXUS_ACTION_ID, PLEXUS_ATTEMPT, PLEXUS_STEP (from 1) and " +
            "PLEXUS_ARTIFACTS_DIR (an empty folder: the files it writes there are kept with the action, see plexus-client artifacts) in its environment")
        {
            command, async, keepGoing, timeout, expires, maxAttempts, retryOnTimeout, retryExitCodes, startOver, idempotencyKey, retention, maxMemory, maxCpuTime, queue, Json,
        };
        dispatch.SetAction((parse, cancellationToken) => WithInput(
            parse,
            () =>
            {
                var codes = parse.GetValue(retryExitCodes);
                var retry = new RetryOverrides(
                    parse.GetValue(maxAttempts), parse.GetValue(retryOnTimeout), codes is { Length: > 0 } ? codes : null, parse.GetValue(startOver) ? true : null);
                var commands = parse.GetValue(command)!;

                // The commands take every word that is not a known option, so a mistyped option would land among them.
                if (commands.FirstOrDefault(c => c.StartsWith('-')) is { } unknown)
                {
                    throw new PlexusException($"Unrecognized command or argument '{unknown}' (see plexus-client dispatch --help; a command never starts with '-').");
                }

                var request = new ActionRequest(
                    commands[0],
                    ActionClient.DefaultSubmitter,
                    Seconds(parse.GetValue(timeout), "--timeout"),
                    Seconds(parse.GetValue(expires), "--expires"),
                    retry == new RetryOverrides() ? null : retry,
                    parse.GetValue(idempotencyKey),
                    parse.GetValue(retention) is { } kept ? TimeFilter.ParseSpan(kept, "--retention") : null,
                    Limits(parse.GetValue(maxMemory), parse.GetValue(maxCpuTime)))
                {
                    Queue = QueueNames.Require(parse.GetValue(queue)),
                    Steps = commands.Length > 1 ? commands : null,
                    KeepGoing = parse.GetValue(keepGoing),
                };
                RequestRules.Check(request);
                return request;
            },
            cancellationToken,
            async (connection, request) =>
            {
                var queued = await connection.Actions.DispatchAsync(request, cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(async))
                {
                    // Stdout is the id alone, for id=$(plexus-client dispatch --async …); the hint is for a person.
                    Console.WriteLine(parse.GetValue(Json) ? ActionJson.Serialize(queued) : queued.Id.ToString());
                    if (!Console.IsErrorRedirected)
                    {
                        Console.Error.WriteLine($"Follow it with: plexus-client watch {queued.Id}");
                    }

                    return ExitCodes.Ok;
                }

                if (parse.GetValue(Json))
                {
                    var final = await WaitAsync(connection, queued.Id, cancellationToken).ConfigureAwait(false);
                    Console.WriteLine(ActionJson.Serialize(final));
                    return ExitCodeOf(final);
                }

                return await FollowAsync(connection, queued.Id, json: false, cancellationToken).ConfigureAwait(false);
            }));
        return dispatch;
    }

    private static Command Watch()
    {
        var id = new Argument<string>("id") { Description = "The action id" };
        var json = new Option<bool>("--json") { Description = "Print one JSON event per line instead", Arity = ArgumentArity.Zero };
        var watch = new Command("watch", "Follow an action live: status, stage, progress, ETA and output, until it ends") { id, json };
        watch.SetAction((parse, cancellationToken) => WithActionId(parse, id, cancellationToken,
            (connection, actionId) => FollowAsync(connection, actionId, parse.GetValue(json), cancellationToken)));
        return watch;
    }

    private static Command Cancel()
    {
        var id = new Argument<string>("id") { Description = "The action id" };
        var cancel = new Command("cancel", "Cancel an action: a queued one never starts, a running one is stopped") { id, Json };
        cancel.SetAction((parse, cancellationToken) => WithActionId(parse, id, cancellationToken, async (connection, actionId) =>
        {
            var answer = await connection.Actions.CancelAsync(actionId, ActionClient.DefaultSubmitter, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(parse.GetValue(Json) ? ActionJson.Serialize(answer.Action) : answer.Message);
            return ExitCodes.Ok;
        }));
        return cancel;
    }

    private static Command List()
    {
        var statuses = new Option<ActionStatus[]>("--status") { Description = "Only actions in this status (repeat for several), e.g. Running, Failed", AllowMultipleArgumentsPerToken = false };
        var command = new Option<string?>("--command") { Description = "Only commands that start with this, e.g. evaluate" };
        var submitter = new Option<string?>("--submitter") { Description = "Only actions dispatched by this submitter" };
        var mine = new Option<bool>("--mine") { Description = $"Only my actions (submitter {ActionClient.DefaultSubmitter})", Arity = ArgumentArity.Zero };
        var since = new Option<string?>("--since") { Description = "Only actions queued since: an age (30m, 1h, 7d) or a date (2026-11-30)" };
        var until = new Option<string?>("--until") { Description = "Only actions queued before: an age or a date" };
        var limit = new Option<int>("--limit") { Description = $"At most this many (1–{ActionQuery.MaxLimit})", DefaultValueFactory = _ => ActionQuery.DefaultLimit };
        var cursor = new Option<string?>("--cursor") { Description = "Continue where the page before ended (its 'next')" };
        var list = new Command("list", "List actions, newest first, with counts per status")
        {
            statuses, command, submitter, mine, since, until, limit, cursor, Json,
        };
        list.SetAction((parse, cancellationToken) => WithInput(
            parse,
            () =>
            {
                var now = DateTimeOffset.Now;
                if (parse.GetValue(mine) && parse.GetValue(submitter) is not null)
                {
                    throw new PlexusException("Give --submitter or --mine, not both.");
                }

                var query = new ActionQuery
                {
                    Statuses = [.. parse.GetValue(statuses) ?? []],
                    CommandPrefix = parse.GetValue(command),
                    Submitter = parse.GetValue(mine) ? ActionClient.DefaultSubmitter : parse.GetValue(submitter),
                    Since = parse.GetValue(since) is { } from ? TimeFilter.Parse(from, "--since", now) : null,
                    Until = parse.GetValue(until) is { } to ? TimeFilter.Parse(to, "--until", now) : null,
                    Limit = parse.GetValue(limit),
                    Cursor = parse.GetValue(cursor),
                };
                return query.Problem() is { } problem ? throw new PlexusException(problem) : query;
            },
            cancellationToken,
            async (connection, query) =>
            {
                var page = await connection.Actions.ListAsync(query, cancellationToken).ConfigureAwait(false);
                Console.Write(parse.GetValue(Json) ? ActionJson.Serialize(page) + Environment.NewLine : ActionTable.Format(page, DateTimeOffset.UtcNow));
                return ExitCodes.Ok;
            }));
        return list;
    }

    private static Command Audit()
    {
        var since = new Option<string?>("--since") { Description = "Only entries since: an age (30m, 1h, 7d) or a date (2026-11-30)" };
        var actor = new Option<string?>("--actor") { Description = $"Only what this caller did (e.g. {ActionClient.DefaultSubmitter}; {AuditRecord.SystemActor} for retries and expiry)" };
        var action = new Option<string?>("--action") { Description = "Only entries of this action id" };
        var limit = new Option<int>("--limit") { Description = $"At most this many (1–{ActionQuery.MaxLimit})", DefaultValueFactory = _ => ActionQuery.DefaultLimit };
        var cursor = new Option<string?>("--cursor") { Description = "Continue where the page before ended (its 'next')" };
        var audit = new Command("audit", "The audit trail, newest first: who dispatched, cancelled, retried or expired which action, when, from where, with what outcome (refused calls too)")
        {
            since, actor, action, limit, cursor, Json,
        };
        audit.SetAction((parse, cancellationToken) => WithInput(
            parse,
            () =>
            {
                var query = new AuditQuery
                {
                    Since = parse.GetValue(since) is { } from ? TimeFilter.Parse(from, "--since", DateTimeOffset.Now) : null,
                    Actor = parse.GetValue(actor),
                    ActionId = parse.GetValue(action) is { } id ? ActionClient.ParseId(id) : null,
                    Limit = parse.GetValue(limit),
                    Cursor = parse.GetValue(cursor),
                };
                return query.Problem() is { } problem ? throw new PlexusException(problem) : query;
            },
            cancellationToken,
            async (connection, query) =>
            {
                var page = await connection.Actions.ListAuditAsync(query, cancellationToken).ConfigureAwait(false);
                Console.Write(parse.GetValue(Json) ? ActionJson.Serialize(page) + Environment.NewLine : AuditTable.Format(page));
                return ExitCodes.Ok;
            }));
        return audit;
    }

    private static Command Workers()
    {
        var workers = new Command("workers", "List every live silo: host, queues served with their concurrency, running commands, start, last heartbeat, draining") { Json };
        workers.SetAction((parse, cancellationToken) => RunAsync(parse, async connection =>
        {
            var list = await connection.Actions.GetWorkersAsync(cancellationToken).ConfigureAwait(false);
            Console.Write(parse.GetValue(Json) ? ActionJson.Serialize(list) + Environment.NewLine : WorkersTable.Format(list, DateTimeOffset.UtcNow));
            return ExitCodes.Ok;
        }, cancellationToken));
        return workers;
    }

    private static Command Output()
    {
        var id = new Argument<string>("id") { Description = "The action id" };
        var stderr = new Option<bool>("--stderr") { Description = "The standard error instead of the standard output", Arity = ArgumentArity.Zero };
        var tail = new Option<int?>("--tail") { Description = "Only the last N lines" };
        var step = new Option<int?>("--step") { Description = "Only the output of step N (from 1) of an action of several commands" };
        var output = new Command("output", "Print an action's stored output, raw, exactly as kept; of every step in order for an action of several commands") { id, stderr, tail, step };
        output.SetAction((parse, cancellationToken) => WithActionId(parse, id, cancellationToken, async (connection, actionId) =>
        {
            if (parse.GetValue(tail) is < 0)
            {
                throw new PlexusException($"--tail must be 0 or more lines; it is {parse.GetValue(tail)}.");
            }

            var action = await connection.Actions.GetAsync(actionId, cancellationToken).ConfigureAwait(false) ?? throw new ActionNotFoundException(actionId);
            if (ActionSummary.Forgotten(action) is { } forgotten)
            {
                Console.Error.WriteLine($"plexus-client: {forgotten}");
                return ExitCodes.Ok;
            }

            if (parse.GetValue(step) is { } number)
            {
                if (action.Steps.Find(s => s.Number == number) is not { } chosen)
                {
                    throw new PlexusException($"Action {actionId} has {Math.Max(action.Steps.Count, 1)} step(s); --step must be 1 to {Math.Max(action.Steps.Count, 1)}, not {number}.");
                }

                if (chosen.Status is StepStatus.Pending or StepStatus.Running or StepStatus.Skipped)
                {
                    Console.Error.WriteLine($"plexus-client: step {number} of action {actionId} is {chosen.Status}; its output is stored when it ends.");
                    return ExitCodes.Ok;
                }

                var stepText = parse.GetValue(stderr) ? chosen.Stderr : chosen.Stdout;
                Console.Out.Write(parse.GetValue(tail) is { } stepLines ? OutputText.Tail(stepText, stepLines) : stepText);
                return ExitCodes.Ok;
            }

            if (action.Result is not { } result)
            {
                Console.Error.WriteLine($"plexus-client: action {actionId} is {action.Status}; its output is stored when its attempt ends (follow it live with: plexus-client watch {actionId}).");
                return ExitCodes.Ok;
            }

            // An action of several commands: every step's output in order (each step's alone with --step N).
            var text = action.Steps.Count > 1
                ? string.Concat(action.Steps.Select(s => parse.GetValue(stderr) ? s.Stderr : s.Stdout))
                : parse.GetValue(stderr) ? result.Stderr : result.Stdout;
            Console.Out.Write(parse.GetValue(tail) is { } lines ? OutputText.Tail(text, lines) : text);
            return ExitCodes.Ok;
        }));
        return output;
    }

    private static Command Artifacts()
    {
        var id = new Argument<string>("id") { Description = "The action id" };
        var get = new Option<string?>("--get") { Description = "Fetch the artifact NAME (its path under $PLEXUS_ARTIFACTS_DIR, e.g. reports/accuracy.json) to stdout, or to -o FILE" };
        var file = new Option<string?>("-o", "--output") { Description = "With --get: write the artifact to FILE instead of stdout" };
        var attempt = new Option<int?>("--attempt") { Description = "With --get: the artifact of attempt N (default: the last attempt that kept one of that name)" };
        var artifacts = new Command("artifacts", "List the files an action's steps wrote under $PLEXUS_ARTIFACTS_DIR and kept (name, size, SHA-256, step, attempt), and those not kept with why; --get fetches one")
        {
            id, get, file, attempt, Json,
        };
        artifacts.SetAction((parse, cancellationToken) => WithInput(
            parse,
            () =>
            {
                var actionId = ActionClient.ParseId(parse.GetValue(id)!);
                if (parse.GetValue(get) is { } name)
                {
                    ArtifactNames.Require(name);
                }
                else if (parse.GetValue(file) is not null || parse.GetValue(attempt) is not null)
                {
                    throw new PlexusException("-o and --attempt go with --get NAME.");
                }

                return actionId;
            },
            cancellationToken,
            async (connection, actionId) =>
            {
                var action = await connection.Actions.GetAsync(actionId, cancellationToken).ConfigureAwait(false) ?? throw new ActionNotFoundException(actionId);
                if (ActionSummary.Forgotten(action) is { } forgotten)
                {
                    Console.Error.WriteLine($"plexus-client: {forgotten}");
                    return parse.GetValue(get) is null ? ExitCodes.Ok : ExitCodes.NotFound;
                }

                if (parse.GetValue(get) is not { } name)
                {
                    Console.Write(parse.GetValue(Json) ? ActionJson.Serialize(action.Artifacts) + Environment.NewLine : ArtifactsTable.Format(action));
                    return ExitCodes.Ok;
                }

                return await FetchArtifactAsync(connection, action, name, parse.GetValue(attempt), parse.GetValue(file), cancellationToken).ConfigureAwait(false);
            }));
        return artifacts;
    }

    // Writes to a temporary file beside the target and checks the SHA-256 before moving it into place.
    private static async Task<int> FetchArtifactAsync(PlexusConnection connection, ActionSnapshot action, string name, int? attempt, string? path, CancellationToken cancellationToken)
    {
        var listed = action.Artifacts.LastOrDefault(a => a.Name == name && (attempt is null || a.Attempt == attempt));
        if (path is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            await connection.Actions.DownloadArtifactAsync(action.Id, name, attempt, stdout, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        var full = Path.GetFullPath(path);
        var temporary = full + ".part";
        try
        {
            await using (var target = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                await connection.Actions.DownloadArtifactAsync(action.Id, name, attempt, target, cancellationToken).ConfigureAwait(false);
            }

            await using (var written = File.OpenRead(temporary))
            {
                var sha256 = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(written, cancellationToken).ConfigureAwait(false));
                if (listed is not null && sha256 != listed.Sha256)
                {
                    throw new PlexusException($"The artifact '{name}' arrived with SHA-256 {sha256}, not the {listed.Sha256} it was kept with; nothing was written to '{path}'.");
                }
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PlexusException($"Cannot write '{path}': {ex.Message}");
        }
        finally
        {
            File.Delete(temporary);
        }

        Console.Error.WriteLine($"plexus-client: wrote {name} ({ByteSize.Format(new FileInfo(full).Length)}) to {path}");
        return ExitCodes.Ok;
    }

    // Shows the action live until it is final; exits like the command did.
    private static async Task<int> FollowAsync(PlexusConnection connection, Guid id, bool json, CancellationToken cancellationToken)
    {
        var view = new LiveView(json);
        ActionSnapshot? final = null;
        try
        {
            await foreach (var item in connection.Actions.WatchAsync(id, cancellationToken).ConfigureAwait(false))
            {
                view.Show(item);
                final = item.Action ?? final;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine($"plexus-client: stopped watching; action {id} goes on. Follow it with: plexus-client watch {id}");
            throw;
        }

        view.Finish();
        if (final is null)
        {
            throw new ActionNotFoundException(id);
        }

        // Output that ended before we subscribed was not pushed to us: show the stored copy.
        if (!json && !view.ShowedOutput && final.Result is { } result)
        {
            var several = final.Steps.Count > 1;
            Console.Out.Write(ProtocolLineFilter.Strip(several ? string.Concat(final.Steps.Select(s => s.Stdout)) : result.Stdout));
            Console.Error.Write(ProtocolLineFilter.Strip(several ? string.Concat(final.Steps.Select(s => s.Stderr)) : result.Stderr));
        }

        return ExitCodeOf(final);
    }
    private static Command Status()
    {
        var id = new Argument<string>("id") { Description = "The action id that dispatch printed" };
        var status = new Command("status", "Show an action: its state, timings and result") { id, Json };
        status.SetAction((parse, cancellationToken) => WithActionId(parse, id, cancellationToken, async (connection, actionId) =>
        {
            var action = await connection.Actions.GetAsync(actionId, cancellationToken).ConfigureAwait(false) ?? throw new ActionNotFoundException(actionId);
            if (parse.GetValue(Json))
            {
                Console.WriteLine(ActionJson.Serialize(action));
                return ExitCodes.Ok;
            }

            var waiting = await connection.Actions.WaitingReasonAsync(action, cancellationToken).ConfigureAwait(false);
            Console.Write(ActionSummary.Format(action, waiting));
            return ExitCodes.Ok;
        }));
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

    // A followed action exits like its command did. A stopped command's exit code (143 after SIGTERM) is the stop's
    // doing, not the command's answer: it counts as no exit code.
    private static int ExitCodeOf(ActionSnapshot action)
    {
        if (action.Result is { ExitCode: { } exitCode, StoppedBy: null })
        {
            return exitCode;
        }

        Console.Error.WriteLine($"plexus-client: action {action.Id} ended {action.Status}: {action.Result?.Error ?? "no result"}");
        return ExitCodes.NoExitCode;
    }

    // A malformed id is refused before any connection is made.
    private static Task<int> WithActionId(
        ParseResult parse, Argument<string> id, CancellationToken cancellationToken, Func<PlexusConnection, Guid, Task<int>> body) =>
        WithInput(parse, () => ActionClient.ParseId(parse.GetValue(id)!), cancellationToken, body);

    // Input that cannot work is refused (exit 64) before any connection is made.
    private static Task<int> WithInput<T>(
        ParseResult parse, Func<T> read, CancellationToken cancellationToken, Func<PlexusConnection, T, Task<int>> body)
    {
        T input;
        try
        {
            input = read();
        }
        catch (PlexusException ex)
        {
            Console.Error.WriteLine($"plexus-client: {Describe(ex)}");
            return Task.FromResult(ExitCodes.InvalidInput);
        }

        return RunAsync(parse, connection => body(connection, input), cancellationToken);
    }

    private static ResourceLimits? Limits(string? maxMemory, string? maxCpuTime)
    {
        var limits = new ResourceLimits(
            maxMemory is null ? null : ByteSize.Parse(maxMemory, "--max-memory"),
            maxCpuTime is null ? null
                : TimeSpan.TryParseExact(maxCpuTime, "c", CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero ? span
                : TimeFilter.ParseSpan(maxCpuTime, "--max-cpu-time"));
        return limits.IsEmpty ? null : limits;
    }

    // A refused command string says which rule it broke, wherever it was refused.
    private static string Describe(PlexusException error) =>
        error is CommandRejectedException rejected ? $"command rejected ({rejected.Rule}): {rejected.Message}" : error.Message;

    private static TimeSpan? Seconds(double? value, string option) => value switch
    {
        null => null,
        > 0 and < 1e9 => TimeSpan.FromSeconds(value.Value),
        _ => throw new PlexusException($"{option} must be a positive number of seconds; it is {value}."),
    };

    // PLEXUS_PROFILE=aws finds the gateways in DynamoDB (Plexus__Aws__*, Plexus__ClusterId and the AWS SDK's own
    // environment configure it); otherwise --gateway / PLEXUS_GATEWAY names one. Plexus__Tls__* turns on TLS.
    private static Task<PlexusConnection> ConnectAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        return PlexusConnection.ConnectAsync(options =>
        {
            environment.GetSection(PlexusClientOptions.SectionName).Bind(options);
            options.Profile = Environment.GetEnvironmentVariable(Profiles.EnvironmentVariable) ?? options.Profile;
            options.Gateway = parse.GetValue(Gateway)!;
            options.ApiKey = ApiKey(parse);
            var tls = TlsSettings.From(environment);
            options.ConfigureOrleans = client => client.UsePlexusTls(tls);
        }, cancellationToken);
    }

    // The key file wins over the environment; the key itself is never printed.
    private static string? ApiKey(ParseResult parse)
    {
        if (parse.GetValue(ApiKeyFile) is not { } path)
        {
            return Environment.GetEnvironmentVariable(ApiKeyEnvironmentVariable) is { Length: > 0 } key ? key.Trim() : null;
        }

        try
        {
            return File.ReadAllText(path).Trim() is { Length: > 0 } key
                ? key
                : throw new PlexusException($"--api-key-file '{path}' is empty: put the API key in it.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PlexusException($"--api-key-file '{path}' cannot be read: {ex.Message}");
        }
    }

    // Connects, runs the body, and turns every error a user can cause into a message and an exit code.
    private static async Task<int> RunAsync(ParseResult parse, Func<PlexusConnection, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await ConnectAsync(parse, cancellationToken).ConfigureAwait(false);
            return await body(connection).ConfigureAwait(false);
        }
        catch (ClusterUnavailableException ex)
        {
            Console.Error.WriteLine($"plexus-client: {ex.Message}");
            Console.Error.WriteLine("Is a silo running? Start one with: dotnet run --project src/Plexus.Silo (or point --gateway / PLEXUS_GATEWAY at one).");
            return ExitCodes.Unavailable;
        }
        catch (ActionNotFoundException ex)
        {
            Console.Error.WriteLine($"plexus-client: {ex.Message}");
            return ExitCodes.NotFound;
        }
        catch (QueueFullException ex)
        {
            Console.Error.WriteLine($"plexus-client: {ex.Message}");
            return ExitCodes.QueueFull;
        }
        catch (AccessDeniedException ex)
        {
            Console.Error.WriteLine($"plexus-client: {ex.Message}");
            return ExitCodes.AccessDenied;
        }
        catch (PlexusException ex)
        {
            Console.Error.WriteLine($"plexus-client: {Describe(ex)}");
            return ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
    }
}
