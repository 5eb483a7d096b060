using Communique.DataSources;
using Microsoft.Extensions.Time.Testing;

namespace Communique.Tests.DataSources;

public sealed class RecordUuidsTests
{
    [Fact]
    public void Uuids_are_version_7_with_the_clock_s_millisecond_and_never_repeat()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, 123, TimeSpan.Zero));
        var uuids = new RecordUuids(clock);

        var made = Enumerable.Range(0, 1000).Select(_ => uuids.Next()).ToList();

        Assert.Equal(made.Count, made.Distinct().Count());
        foreach (var uuid in made)
        {
            Assert.Equal(7, uuid.Version);
            Assert.Equal(0b10, uuid.Variant >> 2);
            var bytes = uuid.ToByteArray(bigEndian: true);
            var milliseconds = ((long)bytes[0] << 40) | ((long)bytes[1] << 32) | ((long)bytes[2] << 24)
                | ((long)bytes[3] << 16) | ((long)bytes[4] << 8) | bytes[5];
            Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), milliseconds);
        }
    }
}
