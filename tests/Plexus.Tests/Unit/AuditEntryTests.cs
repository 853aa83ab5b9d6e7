using Plexus.Audit;

namespace Plexus.Tests.Unit;

/// <summary>The audit trail an action keeps with itself, and the checks of an audit query.</summary>
[Trait(Category.Name, Category.Unit)]
public sealed class AuditEntryTests
{
    private static AuditRecord Entry(int n) => new()
    {
        Id = Guid.NewGuid(),
        At = DateTimeOffset.UnixEpoch.AddSeconds(n),
        Actor = "alice@lab",
        Operation = AuditOperation.Cancel,
        ActionId = Guid.Empty,
        Outcome = AuditOutcome.Accepted,
        Detail = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public void Add_BeyondThePerActionLimit_KeepsTheNewestInOrder()
    {
        var entries = Enumerable.Range(0, AuditRecord.PerActionLimit + 5).Select(Entry).ToList();

        var trail = entries.Aggregate(System.Collections.Immutable.ImmutableList<AuditRecord>.Empty, AuditTrail.Add);

        Assert.Equal(entries.Skip(5), trail);
    }

    [Theory]
    [InlineData(0, null, "limit")]
    [InlineData(1001, null, "limit")]
    [InlineData(10, "12.x", "cursor")]
    public void Problem_UnusableQuery_NamesThePart(int limit, string? cursor, string part)
    {
        var problem = new AuditQuery { Limit = limit, Cursor = cursor }.Problem();

        Assert.Contains(part, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Cursor_AfterAnEntry_RoundTripsThroughItsText()
    {
        var entry = Entry(7);

        Assert.True(AuditCursor.TryParse(AuditCursor.After(entry).ToString(), out var cursor));
        Assert.Equal((entry.At, entry.Id), (cursor.At, cursor.Id));
        Assert.Null(new AuditQuery { Cursor = cursor.ToString() }.Problem());
    }
}
