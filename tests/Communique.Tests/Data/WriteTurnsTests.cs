using Communique.Data;
using Microsoft.Extensions.Options;

namespace Communique.Tests.Data;

public sealed class WriteTurnsTests
{
    private static WriteTurns Turns(DatabaseProvider provider) =>
        new(Options.Create(new DatabaseOptions { Provider = provider }));

    // One writer at a time; the delivery side goes before intake writers that were waiting longer, and a writer that
    // gave up waiting is passed over.
    [Fact]
    public async Task Turns_go_one_at_a_time_delivery_first_and_past_those_who_left()
    {
        var turns = Turns(DatabaseProvider.Sqlite);
        var first = await turns.TakeAsync(WriteTurns.Side.Intake, CancellationToken.None);
        List<string> order = [];
        async Task Write(string name, WriteTurns.Side side, CancellationToken token = default)
        {
            using var turn = await turns.TakeAsync(side, token);
            order.Add(name);
        }

        var intake = Write("intake", WriteTurns.Side.Intake);
        using var leaving = new CancellationTokenSource();
        var gone = Write("gone", WriteTurns.Side.Delivery, leaving.Token);
        var delivery = Write("delivery", WriteTurns.Side.Delivery);
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gone);
        Assert.False(intake.IsCompleted);
        Assert.False(delivery.IsCompleted);

        first.Dispose();
        await Task.WhenAll(intake, delivery);
        Assert.Equal(["delivery", "intake"], order);
        // Free again: the next turn is given at once.
        Assert.True(turns.TakeAsync(WriteTurns.Side.Intake, CancellationToken.None).AsTask().IsCompletedSuccessfully);
    }

    // PostgreSQL's writers do not exclude each other: every turn is given at once.
    [Fact]
    public void On_postgres_every_turn_is_given_at_once()
    {
        var turns = Turns(DatabaseProvider.Postgres);
        Assert.True(turns.TakeAsync(WriteTurns.Side.Intake, CancellationToken.None).AsTask().IsCompletedSuccessfully);
        Assert.True(turns.TakeAsync(WriteTurns.Side.Delivery, CancellationToken.None).AsTask().IsCompletedSuccessfully);
    }
}
