using System.Text.Json;
using Xunit.Sdk;

namespace Plexus.Tests.EndToEnd;

/// <summary>Reads the JSON document a <c>--json</c> command printed.</summary>
public static class JsonOutput
{
    /// <summary>Returns the root of the document on <paramref name="result"/>'s stdout, or fails the test showing what was printed.</summary>
    public static JsonElement Parse(ProcessResult result)
    {
        try
        {
            using var document = JsonDocument.Parse(result.Stdout);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new XunitException($"Expected a JSON document on stdout ({ex.Message}).\n{result}");
        }
    }
}
