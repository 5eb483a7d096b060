using Communique.DataSources.Import;
using static Communique.Tests.DataSources.Import.Sources;

namespace Communique.Tests.DataSources.Import;

public sealed class UniqueIdentifierTests
{
    [Fact]
    public void Duplicates_of_the_identifier_are_reported_with_their_lines()
    {
        var (fields, records) = Read(
            "id,name\nA1,Ann\nB2,Bob\nA1,Ann again\nC3,Cy\nB2,Bob again\nA1,Ann thrice\n", SourceFormat.Csv);
        var finder = new DuplicateFinder();
        var id = fields.IndexOf("id");

        foreach (var record in records)
        {
            finder.Observe(record.GetValue(id), record.Line);
        }

        Assert.False(finder.IsUnique);
        Assert.Equal(3, finder.DuplicateCount);
        Assert.Collection(finder.Duplicates,
            d =>
            {
                Assert.Equal("A1", d.Value);
                Assert.Equal(2, d.FirstLine);
                Assert.Equal([4L, 7L], d.RepeatLines);
            },
            d =>
            {
                Assert.Equal("B2", d.Value);
                Assert.Equal(3, d.FirstLine);
                Assert.Equal([6L], d.RepeatLines);
            });
    }

    [Fact]
    public void Unique_identifiers_report_nothing()
    {
        var finder = new DuplicateFinder();
        for (var i = 0; i < 100_000; i++)
        {
            finder.Observe($"customer-{i}", i + 2);
        }

        Assert.True(finder.IsUnique);
        Assert.Empty(finder.Duplicates);
    }

    [Fact]
    public void Values_are_compared_exactly()
    {
        var finder = new DuplicateFinder();
        finder.Observe("ann@example.com", 2);
        finder.Observe("Ann@example.com", 3);
        finder.Observe("ann@example.com ", 4);

        Assert.True(finder.IsUnique);
    }

    [Fact]
    public void Only_the_first_duplicates_are_kept_but_all_are_counted()
    {
        var finder = new DuplicateFinder(maxReported: 5);
        for (var i = 0; i < 1_000; i++)
        {
            finder.Observe($"v{i}", i);
            finder.Observe($"v{i}", i + 10_000);
        }

        Assert.Equal(1_000, finder.DuplicateCount);
        Assert.Equal(5, finder.Duplicates.Count);
    }

    [Fact]
    public void Blank_identifiers_are_reported_with_their_lines()
    {
        var finder = new DuplicateFinder();
        finder.Observe("a", 2);
        finder.Observe("", 3);
        finder.Observe(null, 4);
        finder.Observe("  ", 5);

        Assert.False(finder.IsUnique);
        Assert.Equal(3, finder.BlankCount);
        Assert.Equal([3L, 4L, 5L], finder.BlankLines);
        Assert.Equal(0, finder.DuplicateCount);
    }

    [Fact]
    public void A_million_identifiers_are_checked_in_bounded_memory()
    {
        var finder = new DuplicateFinder();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < 1_000_000; i++)
        {
            finder.Observe($"customer-{i:D12}@example.com", i + 2);
        }
        var used = GC.GetTotalMemory(forceFullCollection: true) - before;

        Assert.True(finder.IsUnique);
        Assert.True(used < 100L << 20, $"{used >> 20} MB for a million identifiers");
        GC.KeepAlive(finder);
    }
}
