using System.Net;
using Orleans;
using Orleans.Messaging;
using Orleans.Runtime;

namespace Plexus.Tests.Contracts;

/// <summary>
/// What every Orleans membership table must do, whatever it keeps rows in (after Orleans' own membership table
/// tests): one subclass per backend supplies the table and the gateway list provider. Each test gets a cluster id
/// of its own on a fresh, initialized table.
/// </summary>
public abstract class MembershipTableContractTests : IAsyncLifetime
{
    private const int ParallelWriters = 20;
    private static int s_nextPort = 20_000;

    protected string ClusterId { get; } = "cluster-" + Guid.NewGuid().ToString("N");

    protected IMembershipTable Table { get; private set; } = null!;

    /// <summary>Creates a membership table for <paramref name="clusterId"/> and initializes it as a silo would.</summary>
    protected abstract Task<IMembershipTable> CreateTableAsync(string clusterId);

    /// <summary>Creates the gateway list provider a client of <paramref name="clusterId"/> would use.</summary>
    protected abstract Task<IGatewayListProvider> CreateGatewayListProviderAsync(string clusterId);

    public virtual async Task InitializeAsync() => Table = await CreateTableAsync(ClusterId);

    public virtual Task DisposeAsync()
    {
        (Table as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    protected static MembershipEntry NewEntry(SiloStatus status = SiloStatus.Joining, int proxyPort = 0, DateTime? iAmAlive = null)
    {
        var port = Interlocked.Increment(ref s_nextPort);
        var now = DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, generation: port * 7),
            Status = status,
            ProxyPort = proxyPort,
            HostName = "host-" + port,
            SiloName = "silo-" + port,
            RoleName = "role",
            UpdateZone = 1,
            FaultZone = 2,
            StartTime = now.AddMinutes(-1),
            IAmAliveTime = iAmAlive ?? now,
            SuspectTimes = [],
        };
    }

    protected static void AssertSameEntry(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.RoleName, actual.RoleName);
        Assert.Equal(expected.UpdateZone, actual.UpdateZone);
        Assert.Equal(expected.FaultZone, actual.FaultZone);
        Assert.Equal(expected.StartTime.Ticks, actual.StartTime.Ticks);
        Assert.Equal(expected.IAmAliveTime.Ticks, actual.IAmAliveTime.Ticks);
        Assert.Equal(
            (expected.SuspectTimes ?? []).Select(s => (s.Item1, s.Item2.Ticks)),
            (actual.SuspectTimes ?? []).Select(s => (s.Item1, s.Item2.Ticks)));
    }

    private async Task<(MembershipEntry Entry, string ETag, TableVersion Version)> InsertAsync(MembershipEntry entry)
    {
        var before = await Table.ReadAllAsync(CancellationToken.None);
        Assert.True(await Table.InsertRowAsync(entry, before.Version.Next(), CancellationToken.None), $"insert of {entry.SiloAddress} should succeed");
        var row = await Table.ReadRowAsync(entry.SiloAddress, CancellationToken.None);
        var (stored, etag) = Assert.Single(row.Members);
        return (stored, etag, row.Version);
    }

    [Fact]
    public async Task ReadAllAsync_NewCluster_HasNoRowsAndVersionZero()
    {
        var data = await Table.ReadAllAsync(CancellationToken.None);

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.False(string.IsNullOrEmpty(data.Version.VersionEtag));
    }

    [Fact]
    public async Task InitializeMembershipTableAsync_CalledAgain_KeepsRowsAndVersion()
    {
        var (_, _, version) = await InsertAsync(NewEntry());

        using var again = await CreateTableAsync(ClusterId) as IDisposable;

        var data = await Table.ReadAllAsync(CancellationToken.None);
        Assert.Single(data.Members);
        Assert.Equal(version.Version, data.Version.Version);
        Assert.Equal(version.VersionEtag, data.Version.VersionEtag);
    }

    [Fact]
    public async Task ReadRowAsync_UnknownSilo_HasNoRowsButTheVersion()
    {
        var data = await Table.ReadRowAsync(NewEntry().SiloAddress, CancellationToken.None);

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
    }

    [Fact]
    public async Task InsertRowAsync_NewSilo_StoresRowAndBumpsVersion()
    {
        var entry = NewEntry();
        var before = await Table.ReadAllAsync(CancellationToken.None);

        var inserted = await Table.InsertRowAsync(entry, before.Version.Next(), CancellationToken.None);

        Assert.True(inserted);
        var after = await Table.ReadAllAsync(CancellationToken.None);
        var (stored, etag) = Assert.Single(after.Members);
        AssertSameEntry(entry, stored);
        Assert.False(string.IsNullOrEmpty(etag));
        Assert.Equal(1, after.Version.Version);
        Assert.NotEqual(before.Version.VersionEtag, after.Version.VersionEtag);
    }

    [Fact]
    public async Task InsertRowAsync_SiloAlreadyThere_ReturnsFalseAndChangesNothing()
    {
        var entry = NewEntry();
        var (_, etag, version) = await InsertAsync(entry);
        var duplicate = NewEntry();
        duplicate.SiloAddress = entry.SiloAddress;
        duplicate.HostName = "impostor";

        var inserted = await Table.InsertRowAsync(duplicate, version.Next(), CancellationToken.None);

        Assert.False(inserted);
        var after = await Table.ReadAllAsync(CancellationToken.None);
        var (stored, storedETag) = Assert.Single(after.Members);
        Assert.Equal(entry.HostName, stored.HostName);
        Assert.Equal(etag, storedETag);
        Assert.Equal(version.VersionEtag, after.Version.VersionEtag);
    }

    [Fact]
    public async Task InsertRowAsync_StaleTableVersion_ReturnsFalseAndAddsNothing()
    {
        var stale = (await Table.ReadAllAsync(CancellationToken.None)).Version;
        await InsertAsync(NewEntry());

        var inserted = await Table.InsertRowAsync(NewEntry(), stale.Next(), CancellationToken.None);

        Assert.False(inserted);
        Assert.Single((await Table.ReadAllAsync(CancellationToken.None)).Members);
    }

    [Fact]
    public async Task ReadRowAsync_AfterInsert_RoundTripsEveryFieldIncludingSuspicions()
    {
        var entry = NewEntry(SiloStatus.Active, proxyPort: 30_000);
        var suspecter = NewEntry().SiloAddress;
        var otherSuspecter = NewEntry().SiloAddress;
        entry.SuspectTimes =
        [
            Tuple.Create(suspecter, new DateTime(2026, 11, 27, 10, 0, 0, DateTimeKind.Utc).AddTicks(1234567)),
            Tuple.Create(otherSuspecter, DateTime.UtcNow),
        ];
        entry.HostName = "хост-Ω \"quoted\" | pipe";

        var (stored, _, _) = await InsertAsync(entry);

        AssertSameEntry(entry, stored);
    }

    [Fact]
    public async Task UpdateRowAsync_CurrentETags_ReplacesRowAndChangesItsETag()
    {
        var (entry, etag, version) = await InsertAsync(NewEntry());
        entry.Status = SiloStatus.Active;
        entry.AddOrUpdateSuspector(NewEntry().SiloAddress, DateTime.UtcNow, maxVotes: 3);

        var updated = await Table.UpdateRowAsync(entry, etag, version.Next(), CancellationToken.None);

        Assert.True(updated);
        var row = await Table.ReadRowAsync(entry.SiloAddress, CancellationToken.None);
        var (stored, newETag) = Assert.Single(row.Members);
        AssertSameEntry(entry, stored);
        Assert.NotEqual(etag, newETag);
        Assert.Equal(version.Version + 1, row.Version.Version);
    }

    [Fact]
    public async Task UpdateRowAsync_StaleRowETag_ReturnsFalseAndChangesNothing()
    {
        var (entry, staleETag, version) = await InsertAsync(NewEntry());
        entry.Status = SiloStatus.Active;
        Assert.True(await Table.UpdateRowAsync(entry, staleETag, version.Next(), CancellationToken.None));
        var current = await Table.ReadRowAsync(entry.SiloAddress, CancellationToken.None);
        entry.Status = SiloStatus.Dead;

        var updated = await Table.UpdateRowAsync(entry, staleETag, current.Version.Next(), CancellationToken.None);

        Assert.False(updated);
        var after = await Table.ReadRowAsync(entry.SiloAddress, CancellationToken.None);
        Assert.Equal(SiloStatus.Active, Assert.Single(after.Members).Item1.Status);
        Assert.Equal(current.Version.VersionEtag, after.Version.VersionEtag);
    }

    [Fact]
    public async Task UpdateRowAsync_StaleTableVersion_ReturnsFalseAndChangesNothing()
    {
        var (entry, etag, staleVersion) = await InsertAsync(NewEntry());
        await InsertAsync(NewEntry());
        entry.Status = SiloStatus.Active;

        var updated = await Table.UpdateRowAsync(entry, etag, staleVersion.Next(), CancellationToken.None);

        Assert.False(updated);
        var row = await Table.ReadRowAsync(entry.SiloAddress, CancellationToken.None);
        var (stored, storedETag) = Assert.Single(row.Members);
        Assert.Equal(SiloStatus.Joining, stored.Status);
        Assert.Equal(etag, storedETag);
    }

    [Fact]
    public async Task UpdateRowAsync_ParallelWritersFromTheSameVersion_ExactlyOneWinsEachRound()
    {
        var (entry, _, _) = await InsertAsync(NewEntry());
        for (var round = 1; round <= 5; round++)
        {
            var snapshot = await Table.ReadRowAsync(entry.SiloAddress, CancellationToken.None);
            var etag = Assert.Single(snapshot.Members).Item2;
            var results = await Task.WhenAll(Enumerable.Range(0, ParallelWriters).Select(i => Task.Run(async () =>
            {
                var mine = NewEntry(SiloStatus.Active);
                mine.SiloAddress = entry.SiloAddress;
                mine.HostName = $"round {round} writer {i}";
                return (Won: await Table.UpdateRowAsync(mine, etag, snapshot.Version.Next(), CancellationToken.None), mine.HostName);
            })));

            var winner = Assert.Single(results, r => r.Won);
            var after = await Table.ReadAllAsync(CancellationToken.None);
            Assert.Equal(snapshot.Version.Version + 1, after.Version.Version);
            Assert.Equal(winner.HostName, Assert.Single(after.Members).Item1.HostName);
        }
    }

    [Fact]
    public async Task InsertRowAsync_ParallelSilosFromTheSameVersion_ExactlyOneJoinsEachRound()
    {
        for (var round = 1; round <= 5; round++)
        {
            var snapshot = await Table.ReadAllAsync(CancellationToken.None);
            var entries = Enumerable.Range(0, ParallelWriters).Select(_ => NewEntry()).ToList();
            var results = await Task.WhenAll(entries.Select(e => Task.Run(() => Table.InsertRowAsync(e, snapshot.Version.Next(), CancellationToken.None))));

            Assert.Single(results, won => won);
            var after = await Table.ReadAllAsync(CancellationToken.None);
            Assert.Equal(round, after.Members.Count);
            Assert.Equal(snapshot.Version.Version + 1, after.Version.Version);
        }
    }

    [Fact]
    public async Task UpdateIAmAliveAsync_Always_ChangesOnlyTheAliveTimeAndNotTheVersion()
    {
        var (entry, _, version) = await InsertAsync(NewEntry(SiloStatus.Active));
        var alive = entry.IAmAliveTime.AddSeconds(30).AddTicks(17);
        var update = NewEntry(SiloStatus.Dead);
        update.SiloAddress = entry.SiloAddress;
        update.IAmAliveTime = alive;

        await Table.UpdateIAmAliveAsync(update, CancellationToken.None);

        var row = await Table.ReadRowAsync(entry.SiloAddress, CancellationToken.None);
        var stored = Assert.Single(row.Members).Item1;
        Assert.Equal(alive.Ticks, stored.IAmAliveTime.Ticks);
        entry.IAmAliveTime = alive;
        AssertSameEntry(entry, stored);
        Assert.Equal(version.Version, row.Version.Version);
        Assert.Equal(version.VersionEtag, row.Version.VersionEtag);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntriesAsync_Always_DeletesOnlyOldDeadRows()
    {
        var now = DateTime.UtcNow;
        var oldDead = NewEntry(SiloStatus.Dead, iAmAlive: now.AddHours(-2));
        oldDead.StartTime = now.AddHours(-3);
        var recentDead = NewEntry(SiloStatus.Dead, iAmAlive: now.AddMinutes(-1));
        var oldActive = NewEntry(SiloStatus.Active, iAmAlive: now.AddHours(-2));
        oldActive.StartTime = now.AddHours(-3);
        var recentActive = NewEntry(SiloStatus.Active);
        foreach (var entry in new[] { oldDead, recentDead, oldActive, recentActive })
        {
            await InsertAsync(entry);
        }

        await Table.CleanupDefunctSiloEntriesAsync(now.AddHours(-1), CancellationToken.None);

        var left = (await Table.ReadAllAsync(CancellationToken.None)).Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        Assert.Equal(new[] { recentDead, oldActive, recentActive }.Select(e => e.SiloAddress).ToHashSet(), left);
    }

    [Fact]
    public async Task DeleteMembershipTableEntriesAsync_OneCluster_LeavesOtherClustersAlone()
    {
        await InsertAsync(NewEntry());
        var otherCluster = "cluster-" + Guid.NewGuid().ToString("N");
        var other = await CreateTableAsync(otherCluster);
        var otherVersion = (await other.ReadAllAsync(CancellationToken.None)).Version;
        Assert.True(await other.InsertRowAsync(NewEntry(), otherVersion.Next(), CancellationToken.None));

        await Table.DeleteMembershipTableEntriesAsync(ClusterId, CancellationToken.None);

        Assert.Empty((await Table.ReadAllAsync(CancellationToken.None)).Members);
        Assert.Single((await other.ReadAllAsync(CancellationToken.None)).Members);
        (other as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task GetGatewaysAsync_MixedSilos_ReturnsActiveSilosWithAProxyPort()
    {
        var gateway = NewEntry(SiloStatus.Active, proxyPort: 30_001);
        var noProxy = NewEntry(SiloStatus.Active, proxyPort: 0);
        var dead = NewEntry(SiloStatus.Dead, proxyPort: 30_002);
        var joining = NewEntry(SiloStatus.Joining, proxyPort: 30_003);
        foreach (var entry in new[] { gateway, noProxy, dead, joining })
        {
            await InsertAsync(entry);
        }

        var provider = await CreateGatewayListProviderAsync(ClusterId);
        await provider.InitializeGatewayListProviderAsync(CancellationToken.None);
        var gateways = await provider.GetGatewaysAsync(CancellationToken.None);

        var expected = SiloAddress.New(gateway.SiloAddress.Endpoint.Address, gateway.ProxyPort, gateway.SiloAddress.Generation).ToGatewayUri();
        Assert.Equal(expected, Assert.Single(gateways));
        (provider as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task GetGatewaysAsync_SiloDiesAfterwards_IsNoLongerListed()
    {
        var (entry, etag, version) = await InsertAsync(NewEntry(SiloStatus.Active, proxyPort: 30_004));
        var provider = await CreateGatewayListProviderAsync(ClusterId);
        Assert.Single(await provider.GetGatewaysAsync(CancellationToken.None));

        entry.Status = SiloStatus.Dead;
        Assert.True(await Table.UpdateRowAsync(entry, etag, version.Next(), CancellationToken.None));

        Assert.Empty(await provider.GetGatewaysAsync(CancellationToken.None));
        (provider as IDisposable)?.Dispose();
    }
}
