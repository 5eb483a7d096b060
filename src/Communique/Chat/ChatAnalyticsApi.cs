using Communique.Auth;
using Communique.Data;
using Communique.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Communique.Chat;

// How the team's bots are used, per day (UTC) and per bot and channel: conversations started, the users among them
// (by external user id; a conversation without one counts as a user of its own), messages by who sent them,
// fallback answers, and hand-overs to agents.
public static class ChatAnalyticsApi
{
    public const int MaxDays = 400;

    public sealed record DayResponse(
        DateOnly Day, Guid BotId, string Channel, int Conversations, int Users, int UserMessages, int BotMessages,
        int AgentMessages, int Fallbacks, int HandOvers);

    public sealed record AnalyticsResponse(DateOnly From, DateOnly To, IReadOnlyList<DayResponse> Days);

    public static RouteGroupBuilder MapChatAnalytics(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/chat/analytics").WithTags("Chat").WithGroupName("chat-channel").RequireTeamCaller();
        group.MapGet("", Analytics).RequireAccess(Area.Reporting, Access.View)
            .WithSummary("Conversations, users, messages, fallbacks and hand-overs per day, bot and channel, for the "
                + "days from `from` to `to` (dates, UTC; the last 30 days unless given), optionally of one bot or "
                + "channel.");
        return group;
    }

    private static async Task<Results<Ok<AnalyticsResponse>, ValidationProblem>> Analytics(
        DateOnly? from, DateOnly? to, Guid? botId, string? channel, AppDb db, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(db.Now);
        var last = to ?? today;
        var first = from ?? last.AddDays(-29);
        if (first > last || last.DayNumber - first.DayNumber >= MaxDays)
        {
            return Problems.Invalid("from", $"from is on or before to, at most {MaxDays} days apart.");
        }

        var (start, end) = (first.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            last.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        var conversations = db.Conversations.AsNoTracking().Where(c => c.CreatedAt >= start && c.CreatedAt < end);
        var messages = db.ChatMessages.AsNoTracking().Where(m => m.CreatedAt >= start && m.CreatedAt < end)
            .Join(db.Conversations, m => m.ConversationId, c => c.Id, (m, c) => new
            {
                m.CreatedAt, m.Sender, c.BotId, c.Channel,
            });
        if (botId is { } bot)
        {
            conversations = conversations.Where(c => c.BotId == bot);
            messages = messages.Where(m => m.BotId == bot);
        }

        if (channel is not null)
        {
            conversations = conversations.Where(c => c.Channel == channel);
            messages = messages.Where(m => m.Channel == channel);
        }

        var started = await conversations
            .GroupBy(c => new { c.CreatedAt.Date, c.BotId, c.Channel })
            .Select(g => new
            {
                g.Key.Date, g.Key.BotId, g.Key.Channel,
                Conversations = g.Count(),
                Named = g.Where(c => c.ExternalUserId != null).Select(c => c.ExternalUserId).Distinct().Count(),
                Anonymous = g.Count(c => c.ExternalUserId == null),
                Fallbacks = g.Sum(c => c.Fallbacks),
                HandOvers = g.Count(c => c.HandedOverAt != null),
            }).ToListAsync(cancellationToken);
        var said = await messages
            .GroupBy(m => new { m.CreatedAt.Date, m.BotId, m.Channel, m.Sender })
            .Select(g => new { g.Key.Date, g.Key.BotId, g.Key.Channel, g.Key.Sender, Count = g.Count() })
            .ToListAsync(cancellationToken);

        var days = new Dictionary<(DateOnly, Guid, string), DayResponse>();
        DayResponse Day(DateTime date, Guid bot, string channel) =>
            days.TryGetValue((DateOnly.FromDateTime(date), bot, channel), out var day)
                ? day
                : new DayResponse(DateOnly.FromDateTime(date), bot, channel, 0, 0, 0, 0, 0, 0, 0);
        foreach (var s in started)
        {
            days[(DateOnly.FromDateTime(s.Date), s.BotId, s.Channel)] = Day(s.Date, s.BotId, s.Channel) with
            {
                Conversations = s.Conversations, Users = s.Named + s.Anonymous, Fallbacks = s.Fallbacks,
                HandOvers = s.HandOvers,
            };
        }

        foreach (var m in said)
        {
            var day = Day(m.Date, m.BotId, m.Channel);
            days[(day.Day, m.BotId, m.Channel)] = m.Sender switch
            {
                ChatSender.User => day with { UserMessages = day.UserMessages + m.Count },
                ChatSender.Agent => day with { AgentMessages = day.AgentMessages + m.Count },
                ChatSender.Bot => day with { BotMessages = day.BotMessages + m.Count },
                _ => day,
            };
        }

        return TypedResults.Ok(new AnalyticsResponse(first, last,
            [.. days.Values.OrderBy(d => d.Day).ThenBy(d => d.BotId).ThenBy(d => d.Channel)]));
    }
}
