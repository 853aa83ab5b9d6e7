using Plexus.Cli;

var parse = ClientCommands.Build().Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"plexus-client: {error.Message}");
    }

    Console.Error.WriteLine("Quote the command as one argument, e.g. plexus-client dispatch \"demo --items 50\"; see plexus-client --help.");
    return ExitCodes.InvalidInput;
}

return await parse.InvokeAsync();
