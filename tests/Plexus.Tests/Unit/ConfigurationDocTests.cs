using System.Collections;
using System.Globalization;
using System.Reflection;
using Plexus.Aws;
using Plexus.Commands;
using Plexus.Security;
using Plexus.Silo.Hosting;
using Plexus.Tls;

namespace Plexus.Tests.Unit;

/// <summary>docs/configuration.md against the options classes: every setting is documented with its variable and default, and nothing else is.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class ConfigurationDocTests
{
    // Defaults that depend on the machine, written in words.
    private static readonly Dictionary<string, string> DescribedDefaults = new(StringComparer.Ordinal)
    {
        ["Plexus:Concurrency"] = "number of cores",
    };

    private static readonly (object Options, string Section)[] Sections =
    [
        (new SiloOptions(), SiloOptions.SectionName),
        (new EcsOptions(), "Plexus:Ecs"),
        (new ExecutionOptions(), ExecutionOptions.SectionName),
        (new ExecutionOptions().Retry, "Plexus:Retry"),
        (new PlexusAwsSettings(), PlexusAwsSettings.SectionName),
        (new AuthOptions(), AuthOptions.SectionName),
        (new TlsSettings(), TlsSettings.SectionName),
        (new Artifacts.ArtifactOptions(), Artifacts.ArtifactOptions.SectionName),
    ];

    public static TheoryData<string, string> Settings()
    {
        var data = new TheoryData<string, string>();
        foreach (var (key, value) in Documented())
        {
            data.Add(key, value);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void ConfigurationDoc_EverySetting_HasARowWithItsVariableAndDefault(string key, string expectedDefault)
    {
        var row = Rows().FirstOrDefault(r => r.Key == key);

        Assert.True(row.Key is not null, $"docs/configuration.md has no row for `{key}`");
        Assert.Contains($"`{key.Replace(":", "__", StringComparison.Ordinal)}", row.Variable, StringComparison.Ordinal);
        Assert.True(row.Default.StartsWith(expectedDefault, StringComparison.Ordinal), $"`{key}`: the page says the default is '{row.Default}', the code '{expectedDefault}'");
    }

    [Fact]
    public void ConfigurationDoc_EveryPlexusRow_IsASetting()
    {
        var known = Documented().Select(d => d.Key).ToHashSet(StringComparer.Ordinal);

        var unknown = Rows().Where(r => r.Key.StartsWith("Plexus:", StringComparison.Ordinal) && !r.Key.Contains('<', StringComparison.Ordinal) && !known.Contains(r.Key)).Select(r => r.Key);

        Assert.Empty(unknown);
    }

    // Every scalar setting of the options classes, with its default as the page writes it.
    private static IEnumerable<(string Key, string Default)> Documented()
    {
        foreach (var (options, section) in Sections)
        {
            foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && IsScalar(p.PropertyType)))
            {
                var key = $"{section}:{property.Name}";
                yield return (key, DescribedDefaults.GetValueOrDefault(key) ?? Format(property.GetValue(options)));
            }
        }
    }

    private static bool IsScalar(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is var t && (t.IsPrimitive || t == typeof(string) || t == typeof(TimeSpan) || t == typeof(IReadOnlyList<int>));

    private static string Format(object? value) => value switch
    {
        null or "" => "none",
        bool b => b ? "true" : "false",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IEnumerable list and not string => list.Cast<object>().Any() ? string.Join(", ", list.Cast<object>()) : "none",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "none",
    };

    private static IEnumerable<(string Key, string Variable, string Default)> Rows() =>
        File.ReadAllLines(Repository.Path("docs", "configuration.md"))
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .Select(cells => (cells[1].Trim('`').Split('`')[0], cells[2], cells[4]));
}
