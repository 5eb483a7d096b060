namespace Communique.DataSources.Import;

// Hand-written ISO-8601 readers: the common shapes of machine-written dates, read on every
// value of a date column of a million rows, where DateTime.TryParseExact with a list of
// formats would cost more than the rest of the import.
internal static class Iso8601
{
    // yyyy-MM-dd
    public static bool TryParseDate(ReadOnlySpan<char> s, out DateOnly date)
    {
        date = default;
        if (s.Length != 10 || s[4] != '-' || s[7] != '-'
            || !Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        date = new DateOnly(year, month, day);
        return true;
    }

    // HH:mm, HH:mm:ss, HH:mm:ss.fffffff
    public static bool TryParseTime(ReadOnlySpan<char> s, out TimeOnly time)
    {
        time = default;
        if (s.Length < 5 || s[2] != ':' || !Digits(s, 0, 2, out var hour) || !Digits(s, 3, 2, out var minute)
            || hour > 23 || minute > 59)
        {
            return false;
        }
        var second = 0;
        long ticks = 0;
        if (s.Length > 5)
        {
            if (s.Length < 8 || s[5] != ':' || !Digits(s, 6, 2, out second) || second > 59)
            {
                return false;
            }
            if (s.Length > 8)
            {
                var fraction = s[9..];
                if (s[8] is not ('.' or ',') || fraction.Length is 0 or > 7
                    || !Digits(fraction, 0, fraction.Length, out var f))
                {
                    return false;
                }
                ticks = f;
                for (var i = fraction.Length; i < 7; i++)
                {
                    ticks *= 10;
                }
            }
        }
        time = new TimeOnly(hour, minute, second).Add(TimeSpan.FromTicks(ticks));
        return true;
    }

    // yyyy-MM-ddTHH:mm[:ss[.f]] or with a space for T, optionally Z or ±HH:mm (then made UTC).
    public static bool TryParseDateTime(ReadOnlySpan<char> s, out DateTime value)
    {
        value = default;
        if (s.Length < 16 || s[10] is not ('T' or 't' or ' ') || !TryParseDate(s[..10], out var date))
        {
            return false;
        }
        var rest = s[11..];
        TimeSpan? offset = null;
        if (rest[^1] is 'Z' or 'z')
        {
            offset = TimeSpan.Zero;
            rest = rest[..^1];
        }
        else if (rest.Length > 6 && rest[^6] is '+' or '-' && rest[^3] == ':'
            && Digits(rest, rest.Length - 5, 2, out var oh) && Digits(rest, rest.Length - 2, 2, out var om)
            && oh <= 14 && om <= 59)
        {
            var span = new TimeSpan(oh, om, 0);
            offset = rest[^6] == '-' ? -span : span;
            rest = rest[..^6];
        }
        if (!TryParseTime(rest, out var time))
        {
            return false;
        }
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (offset is null)
        {
            value = local;
            return true;
        }
        var ticks = local.Ticks - offset.Value.Ticks;
        if (ticks < 0 || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }
        value = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var d = s[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }
            value = value * 10 + d;
        }
        return true;
    }
}
