using System.Text.Json;
using Plexus.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"plexus-bench: {ex.Message}");
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

if (!options.IsLocalProfile)
{
    Console.WriteLine($"Profile '{options.Profile}': passed to the silo as --profile; only the spawn and throughput scenarios run for it.");
}

var report = await new BenchRunner(options, Console.Out).RunAsync();
Directory.CreateDirectory(options.OutputDirectory);
var json = Path.Combine(options.OutputDirectory, "bench-report.json");
var markdown = Path.Combine(options.OutputDirectory, "bench-report.md");
await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, BenchReport.Json));
await File.WriteAllTextAsync(markdown, report.ToMarkdown());
Console.WriteLine();
Console.WriteLine(report.ToMarkdown());
Console.WriteLine($"Wrote {Path.GetFullPath(json)} and {Path.GetFullPath(markdown)}.");
return report.Errors.Count == 0 ? 0 : 1;
