using System.Text.Json;
using System.Text.Json.Serialization;
using Plexus.Actions;
using Plexus.Audit;
using Plexus.Queries;

namespace Plexus.Client;

/// <summary>The JSON form of an action document, as <c>status --json</c> prints it.</summary>
public static class ActionJson
{
    /// <summary>The serializer settings: camelCase names, enums as words, indented.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The same settings on one line, for event streams.</summary>
    public static readonly JsonSerializerOptions Compact = new(Options) { WriteIndented = false };

    /// <summary>Returns <paramref name="action"/> as JSON.</summary>
    public static string Serialize(ActionSnapshot action) => JsonSerializer.Serialize(action, Options);

    /// <summary>Returns <paramref name="page"/> as <c>list --json</c> prints it: <c>{"items": […], "next": …, "counts": {…}}</c>.</summary>
    public static string Serialize(ActionPage page) => JsonSerializer.Serialize(page, Options);

    /// <summary>Returns <paramref name="page"/> as <c>audit --json</c> prints it: <c>{"items": […], "next": …}</c>.</summary>
    public static string Serialize(AuditPage page) => JsonSerializer.Serialize(page, Options);

    /// <summary>Returns the artifact list <c>plexus-client artifacts --json</c> prints: <c>[{"name", "size", "sha256", "step", "attempt"}]</c>.</summary>
    public static string Serialize(IReadOnlyList<ArtifactInfo> artifacts) => JsonSerializer.Serialize(artifacts, Options);

    /// <summary>Serializes the worker list <c>plexus-client workers --json</c> prints.</summary>
    public static string Serialize(IReadOnlyList<Queues.WorkerStatus> workers) => JsonSerializer.Serialize(workers, Options);
}
