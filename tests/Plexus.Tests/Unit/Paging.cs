namespace Plexus.Tests.Unit;

/// <summary>Reads every page of a cursor-paged listing (the action index, the audit log), as a client would.</summary>
public static class Paging
{
    /// <summary>
    /// Asks <paramref name="page"/> for the first page, then for each next one by its cursor, until a page has no next;
    /// checks that no page holds more than <paramref name="limit"/> items, and calls <paramref name="betweenPages"/>
    /// after each page but the last.
    /// </summary>
    public static async Task<List<T>> AllAsync<T>(
        Func<string?, Task<(IReadOnlyList<T> Items, string? Next)>> page, int limit, Func<int, Task>? betweenPages = null)
    {
        var seen = new List<T>();
        string? cursor = null;
        for (var number = 0; ; number++)
        {
            var (items, next) = await page(cursor);
            Assert.True(items.Count <= limit, $"A page held {items.Count} items; the limit is {limit}.");
            seen.AddRange(items);
            if (next is null)
            {
                return seen;
            }

            Assert.True(number < 1000, "Paging did not end.");
            cursor = next;
            if (betweenPages is not null)
            {
                await betweenPages(number);
            }
        }
    }
}
