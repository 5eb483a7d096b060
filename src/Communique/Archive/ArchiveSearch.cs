using System.Globalization;
using System.Text;
using Communique.Communications;
using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Communique.Archive;

// A search of the archive, as GET /archive/entries takes it in its query string: by channel, send, campaign,
// communication, record, recipient, time range, metadata fields (metadata.NAME=VALUE, all of them) and words of the
// text (text=...). A legal hold saves one (Canonical), and the purge and the export run it again.
public sealed record ArchiveSearch(
    Channel? Channel, Guid? SendId, Guid? CampaignId, Guid? CommunicationId, Guid? RecordUuid, string? Recipient,
    DateTime? From, DateTime? To, IReadOnlyList<(string Name, string Value)> Fields,
    IReadOnlyList<(string Word, bool Prefix)> Terms, string? Text)
{
    public const int MaxFields = 8;
    public const string MetadataPrefix = "metadata.";

    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "channel", "sendId", "campaignId", "communicationId", "recordUuid", "recipient", "from", "to", "text",
    };

    public static (ArchiveSearch? Search, string? Field, string? Error) Parse(IQueryCollection query, bool paging)
    {
        ArgumentNullException.ThrowIfNull(query);
        Guid? Id(string name, ref string? bad)
        {
            var value = query[name].ToString();
            if (value.Length == 0)
            {
                return null;
            }

            if (Guid.TryParse(value, out var id))
            {
                return id;
            }

            bad ??= name;
            return null;
        }

        DateTime? Time(string name, ref string? bad)
        {
            var value = query[name].ToString();
            if (value.Length == 0)
            {
                return null;
            }

            if (DateTime.TryParse(value, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
            {
                return time;
            }

            bad ??= name;
            return null;
        }

        string? bad = null;
        var send = Id("sendId", ref bad);
        var campaign = Id("campaignId", ref bad);
        var communication = Id("communicationId", ref bad);
        var record = Id("recordUuid", ref bad);
        var from = Time("from", ref bad);
        var to = Time("to", ref bad);
        if (bad is not null)
        {
            return (null, bad, bad is "from" or "to" ? "Not a date and time (ISO 8601)." : "Not an id.");
        }

        Channel? channel = null;
        if (query["channel"].ToString() is { Length: > 0 } channelName)
        {
            if (!WireNames.TryParse<Channel>(channelName, out var parsed))
            {
                return (null, "channel", "Not a channel of this product.");
            }

            channel = parsed;
        }

        var recipient = query["recipient"].ToString() is { Length: > 0 } address ? address.Trim() : null;
        if (recipient is { Length: > 320 })
        {
            return (null, "recipient", "At most 320 characters.");
        }

        List<(string, string)> fields = [];
        foreach (var (key, values) in query.OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            if (key.StartsWith(MetadataPrefix, StringComparison.Ordinal))
            {
                var name = key[MetadataPrefix.Length..];
                var value = values.ToString();
                if (name.Length is 0 or > ArchiveMetadata.MaxNameChars || value.Length > ArchiveMetadata.MaxValueChars
                    || values.Count != 1)
                {
                    return (null, key, $"One value of at most {ArchiveMetadata.MaxValueChars} characters for a "
                        + $"field name of 1 to {ArchiveMetadata.MaxNameChars}.");
                }

                fields.Add((name, value));
            }
            else if (!Names.Contains(key) && !(paging && key is "limit" or "cursor"))
            {
                return (null, key, "Not a search field: channel, sendId, campaignId, communicationId, recordUuid, "
                    + "recipient, from, to, text and metadata.NAME.");
            }
        }

        if (fields.Count > MaxFields)
        {
            return (null, MetadataPrefix, $"At most {MaxFields} metadata fields.");
        }

        List<(string, bool)> terms = [];
        var text = query["text"].ToString();
        if (text.Length > 0)
        {
            var (parsed, error) = ArchiveText.Query(text);
            if (error is not null)
            {
                return (null, "text", error);
            }

            terms = parsed;
        }

        return (new ArchiveSearch(channel, send, campaign, communication, record, recipient, from, to, fields, terms,
            text.Length > 0 ? text : null), null, null);
    }

    public static (ArchiveSearch? Search, string? Field, string? Error) Parse(string canonical) =>
        Parse(new QueryCollection(QueryHelpers.ParseQuery(canonical)), paging: false);

    // The entries of the caller's team it finds (the team filter applies), in no order.
    public IQueryable<ArchiveEntry> Apply(AppDb db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var entries = db.ArchiveEntries.AsQueryable();
        if (Channel is { } channel)
        {
            entries = entries.Where(e => e.Channel == channel);
        }

        if (SendId is { } send)
        {
            entries = entries.Where(e => e.SendId == send);
        }

        if (CampaignId is { } campaign)
        {
            entries = entries.Where(e => e.CampaignId == campaign);
        }

        if (CommunicationId is { } communication)
        {
            entries = entries.Where(e => e.CommunicationId == communication);
        }

        if (RecordUuid is { } record)
        {
            entries = entries.Where(e => e.RecordUuid == record);
        }

        if (Recipient is { } recipient)
        {
            entries = entries.Where(e => e.Recipient == recipient);
        }

        // An entry's id is a version-7 id of its CreatedAt (whole milliseconds, MessageArchive): the time range is a
        // range of ids, which the primary key finds in order.
        if (From is { } from)
        {
            var floor = IdFloor(from);
            entries = entries.Where(e => e.Id.CompareTo(floor) >= 0);
        }

        if (To is { } to)
        {
            var ceiling = IdFloor(to);
            entries = entries.Where(e => e.Id.CompareTo(ceiling) < 0);
        }

        return Matching(db) is { } matching ? entries.Where(e => matching.Contains(e.Id)) : entries;
    }

    // For a page of results, newest first: when the metadata fields and words find few entries, their ids are read
    // first and the entries looked up by id; when they find many, the newest entries are read in order until the
    // page is full, which finds many quickly.
    public async Task<IQueryable<ArchiveEntry>> PageAsync(AppDb db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (Matching(db) is not { } matching)
        {
            return Apply(db);
        }

        var few = await matching.Take(FewMatches + 1).ToListAsync(cancellationToken);
        if (few.Count > FewMatches)
        {
            return Apply(db);
        }

        var plain = this with { Fields = [], Terms = [] };
        return plain.Apply(db).Where(e => few.Contains(e.Id));
    }

    private const int FewMatches = 2000;

    // The ids of the team's entries with every metadata field and word, or null when the search names none.
    private IQueryable<Guid>? Matching(AppDb db)
    {
        IQueryable<Guid>? ids = Terms.Count > 0 ? ArchiveText.Matching(db, db.Tenant.TeamId, [.. Terms]) : null;
        foreach (var (name, value) in Fields)
        {
            var field = db.ArchiveFields.Where(f => f.Name == name && f.Value == value).Select(f => f.EntryId);
            ids = ids is null ? field : ids.Where(id => field.Contains(id));
        }

        return ids;
    }

    // The least version-7 id of the first whole millisecond at or after the time.
    private static Guid IdFloor(DateTime time)
    {
        if (time <= DateTime.UnixEpoch)
        {
            return Guid.Empty;
        }

        var ticks = (time - DateTime.UnixEpoch).Ticks;
        var milliseconds = (ulong)((ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond);
        Span<byte> bytes = stackalloc byte[16];
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(milliseconds >> (8 * (5 - i)));
        }

        bytes[6] = 0x70;
        bytes[8] = 0x80;
        return new Guid(bytes, bigEndian: true);
    }

    // The search as a query string, fields in a fixed order: what a hold keeps.
    public string Canonical()
    {
        var text = new StringBuilder();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                text.Append(text.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=')
                    .Append(Uri.EscapeDataString(value));
            }
        }

        Add("channel", Channel is { } channel ? WireNames.Of(channel) : null);
        Add("sendId", SendId?.ToString("D"));
        Add("campaignId", CampaignId?.ToString("D"));
        Add("communicationId", CommunicationId?.ToString("D"));
        Add("recordUuid", RecordUuid?.ToString("D"));
        Add("recipient", Recipient);
        Add("from", From?.ToString("O", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("O", CultureInfo.InvariantCulture));
        Add("text", Text);
        foreach (var (name, value) in Fields)
        {
            Add(MetadataPrefix + name, value);
        }

        return text.ToString();
    }

    public bool IsEmpty => Canonical().Length == 0;
}
