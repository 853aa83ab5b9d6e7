using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Plexus.Actions;
using Plexus.Persistence.Sqlite.Options;
using Plexus.Persistence.Sqlite.Storage;
using Plexus.Silo.Hosting;

namespace Plexus.Tests.Cluster;

/// <summary>
/// The embedded default's SQLite grain storage, whose writes for a chosen grain fail while a test says so: the way
/// a real store fails (a full disk, a lost connection), with everything else stored as usual.
/// </summary>
public sealed class FaultInjectingGrainStorage(SqliteGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    // Keyed by grain: each test fails the writes of its own action only, whatever runs beside it.
    private static readonly ConcurrentDictionary<Guid, bool> Failing = new();

    /// <summary>Replaces the actions' storage of a test silo with one that fails on demand (same file as before).</summary>
    public static void Register(ISiloBuilder silo, string dataDir) =>
        silo.Services.AddGrainStorage(ActionGrain.StorageName, (services, name) =>
        {
            var options = new SqliteGrainStorageOptions
            {
                DatabasePath = Path.Combine(dataDir, LocalProfile.DatabaseFile),
                GrainStorageSerializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()),
            };
            return new FaultInjectingGrainStorage(new SqliteGrainStorage(name, options, services.GetRequiredService<ILogger<SqliteGrainStorage>>()));
        });

    /// <summary>Makes every write of the grain keyed <paramref name="id"/> fail until <see cref="Heal"/>.</summary>
    public static void Fail(Guid id) => Failing[id] = true;

    /// <summary>Lets writes of the grain keyed <paramref name="id"/> through again.</summary>
    public static void Heal(Guid id) => Failing.TryRemove(id, out _);

    /// <summary>Gets or sets whether this silo's store is unreachable: every call fails, as with a store that is down.</summary>
    public bool Unreachable { get; set; }

    public void Participate(ISiloLifecycle lifecycle) => inner.Participate(lifecycle);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Unreachable
            ? throw new IOException("Injected storage fault: the store is unreachable.")
            : inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        grainId.TryGetGuidKey(out var id, out _) && Failing.ContainsKey(id)
            ? throw new IOException($"Injected storage fault: the write of {grainId} failed.")
            : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}
