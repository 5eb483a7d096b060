using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Communique.Campaigns;
using Communique.Jobs;
using Communique.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Communique.Tests.Campaigns;

public abstract class TransactionalTests(Provider provider) : IAsyncLifetime
{
    private SmtpSink _smtp = null!;
    private TestHost _host = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _host = await TestHost.StartAsync(provider, _smtp.RelaySettings(("Transactional:MaxRecords", "5")));
        _admin = await (await _host.CreateAccountAsync("Acme Corp")).AdminAsync();
        var project = (await (await _admin.PostJsonAsync("/projects", new { name = "Shop" }))
            .JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await _admin.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Order confirmation",
            channel = "email",
            content = new
            {
                subject = "Order",
                html = "<p>Thanks {{ first_name }} for order {{ order_no }}.</p>"
                    + "<a href=\"{{ unsubscribe_url }}\">Unsubscribe</a>",
            },
        })).JsonAsync(HttpStatusCode.Created);

        await TestSenders.VerifyAsync(_host, _admin, _smtp, "shop@acme.example");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private Task<bool> RunJobAsync() => _host.Service<JobRunner>().RunOneAsync(CancellationToken.None);

    private static object Body(object dataset, string path = "customer_email",
        bool? ignoreMissing = null) => new Dictionary<string, object?>
    {
        ["communication"] = "Order confirmation", ["project"] = "Shop", ["dataset"] = dataset,
        ["email_json_path"] = path,
        ["sender"] = "shop@acme.example", ["sender_name"] = "Acme Shop", ["reply_to"] = "help@acme.example",
        ["subject"] = "Your order {{ order_no }}", ["ignore_missing_fields"] = ignoreMissing,
    };

    private static readonly object[] Orders =
    [
        new { customer_email = "ann@example.com", first_name = "Ann", order_no = "1042" },
        new { customer_email = "bob@example.com", first_name = "Bob", order_no = "1043" },
        new { customer_email = "nobody", first_name = "Cy", order_no = "1044" },
    ];

    [Fact]
    public async Task A_v2_call_is_stored_before_it_answers_then_delivered_and_its_status_lists_every_recipient()
    {
        var sendId = (await (await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional", Body(Orders)))
            .JsonAsync()).Str("send_id");

        var queued = await (await _admin.GetAsync($"/campaigns/v2/transactional/{sendId}")).JsonAsync();
        Assert.Equal("queued", queued.Str("status"));
        Assert.Equal(3, queued.GetProperty("total").GetInt32());
        Assert.Equal(1, queued.GetProperty("suppressed").GetInt32());

        while (await RunJobAsync())
        {
        }

        var status = await (await _admin.GetAsync($"/campaigns/v2/transactional/{sendId}")).JsonAsync();
        Assert.Equal("sent", status.Str("status"));
        Assert.Equal(2, status.GetProperty("sent").GetInt32());
        var recipients = status.GetProperty("recipients").EnumerateArray().ToList();
        Assert.Equal(["ann@example.com", "bob@example.com", "nobody"], recipients.Select(r => r.Str("email")));
        Assert.Equal("invalid-address", recipients[2].Str("reason"));
        Assert.Equal("suppressed", recipients[2].Str("status"));
        Assert.False(string.IsNullOrEmpty(recipients[0].Str("message_id")));

        await _smtp.WaitForAsync(3);
        var ann = _smtp.Received.Single(m => m.To.Mailboxes.Single().Address == "ann@example.com");
        Assert.Equal("Your order 1042", ann.Subject);
        Assert.Contains("Thanks Ann for order 1042.", ann.HtmlBody, StringComparison.Ordinal);
        // As in the Message-ID header: with its angle brackets (MimeKit's MessageId is without them).
        Assert.Equal($"<{ann.MessageId}>", recipients[0].Str("message_id"));

        await (await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional", Body(Orders[..1]))).JsonAsync();
        var campaigns = await (await _admin.GetAsync("/campaigns")).JsonAsync();
        var campaign = await (await _admin.GetAsync($"/campaigns/{campaigns.GetProperty("items")[0].Str("id")}"))
            .JsonAsync();
        Assert.Equal("Orders", campaign.Str("name"));
        Assert.Equal(2, campaign.GetProperty("sends").GetArrayLength());
        Assert.All(campaign.GetProperty("sends").EnumerateArray(),
            s => Assert.Equal("Transactional Call", s.Str("dataSource")));
    }

    // The errors name the fields as the client sent them (snake_case), on both versions of the call.
    [Theory]
    [InlineData("/campaigns/v2/Orders/transactional")]
    [InlineData("/campaigns/Orders/transactional")]
    public async Task A_call_of_the_wrong_shape_is_a_400_naming_each_field_as_sent(string path)
    {
        var empty = await (await _admin.PostJsonAsync(path, new { dataset = "none" }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("urn:communique:problem:validation", empty.Str("type"));
        Assert.Equal(["communication", "project", "dataset", "email_json_path", "sender"],
            empty.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal("The name of the communication to send.",
            empty.GetProperty("errors").GetProperty("communication")[0].GetString());

        var body = (Dictionary<string, object?>)Body(Orders);
        body["sender_name"] = "Acme\r\nBcc: all@example.com";
        body["reply_to"] = "ann@example.com, bob@example.com";
        body["subject"] = new string('s', 1001);
        var shape = await (await _admin.PostJsonAsync(path, body)).ProblemAsync(HttpStatusCode.BadRequest);
        var errors = shape.GetProperty("errors");
        Assert.Equal(["sender_name", "reply_to", "subject"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Equal("One email address.", errors.GetProperty("reply_to")[0].GetString());
        Assert.Contains("sender_name", errors.GetProperty("sender_name")[0].GetString(), StringComparison.Ordinal);
        Assert.False(await RunJobAsync());
    }

    [Fact]
    public async Task A_v1_call_finds_addresses_with_a_jsonpath()
    {
        object[] dataset =
        [
            new { contact = new { email = "ann@example.com" }, first_name = "Ann", order_no = "1" },
            new { contact = new { email = "bob@example.com" }, first_name = "Bob", order_no = "2" },
        ];
        var sendId = (await (await _admin.PostJsonAsync("/campaigns/Orders/transactional",
            Body(dataset, "$[*].contact.email"))).JsonAsync()).Str("send_id");
        var status = await (await _admin.GetAsync($"/campaigns/v2/transactional/{sendId}")).JsonAsync();
        Assert.Equal(["ann@example.com", "bob@example.com"], status.GetProperty("recipients").EnumerateArray()
            .Select(r => r.Str("email")));

        var nothing = await (await _admin.PostJsonAsync("/campaigns/Orders/transactional",
            Body(dataset, "$[*].contact.phone"))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(nothing.GetProperty("errors").TryGetProperty("email_json_path", out _));
        await (await _admin.PostJsonAsync("/campaigns/Orders/transactional", Body(dataset, "$[*")))
            .ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_v1_path_reads_the_documented_subset_quoted_names_indices_and_wildcards()
    {
        object[] dataset =
        [
            new { contact = new { emails = new[] { "ann@example.com", "ann@work.example" } },
                first_name = "A", order_no = "1" },
            new { contact = new { emails = new[] { "bob@example.com" } }, first_name = "Bob", order_no = "2" },
        ];

        async Task<List<string>> RecipientsAsync(string path)
        {
            var call = await _admin.PostJsonAsync("/campaigns/Orders/transactional", Body(dataset, path));
            var sendId = (await call.JsonAsync()).Str("send_id");
            var status = await (await _admin.GetAsync($"/campaigns/v2/transactional/{sendId}")).JsonAsync();
            return [.. status.GetProperty("recipients").EnumerateArray().Select(r => r.Str("email"))];
        }

        Assert.Equal(["ann@example.com", "bob@example.com"], await RecipientsAsync("$[*].contact.emails[0]"));
        Assert.Equal(["ann@example.com", "bob@example.com"], await RecipientsAsync("$[*]['contact'][\"emails\"][*]"));
        Assert.Equal(["ann@example.com", "bob@example.com"], await RecipientsAsync("$.*.contact.*[0]"));
        Assert.Equal(["ann@work.example", ""], await RecipientsAsync("$[*].contact.emails[1]"));
        Assert.Equal(["", "bob@example.com"], await RecipientsAsync("$[1].contact.emails[0]"));
    }

    // A filter whose regex backtracks exponentially on a run of a's ended by a '!'. Filters are not part of the subset:
    // refused before any work, whatever the address.
    [Fact]
    public async Task A_v1_path_with_a_filter_regex_is_refused_at_once_however_long_the_address()
    {
        object[] dataset = [new { email = new string('a', 60) + "!", first_name = "A", order_no = "1" }];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var probe = Body(dataset, "$[?(@.email =~ /^(a+)+$/)].email");
        var refused = await (await _admin.PostJsonAsync("/campaigns/Orders/transactional", probe))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        var error = refused.GetProperty("errors").GetProperty("email_json_path")[0].GetString()!;
        Assert.Contains("Filter expressions", error, StringComparison.Ordinal);

        foreach (var path in new[] { "$..email", "$[0:1].email",
            "$[*].email[?(@ =~ /a/)]", "email", "$.email", "$['a','b']" })
        {
            var call = await _admin.PostJsonAsync("/campaigns/Orders/transactional", Body(dataset, path));
            var problem = await call.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("email_json_path", out _), path);
        }

        Assert.False(await RunJobAsync());
    }

    [Fact]
    public async Task A_call_whose_every_recipient_is_suppressed_says_nothing_was_delivered_and_its_messages_are_final()
    {
        foreach (var address in new[] { "ann@example.com", "bob@example.com" })
        {
            await (await _admin.PostJsonAsync("/unsubscribes", new { address })).JsonAsync(HttpStatusCode.Created);
        }

        var call = await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional", Body(Orders));
        var sendId = (await call.JsonAsync()).Str("send_id");
        while (await RunJobAsync())
        {
        }

        var status = await (await _admin.GetAsync($"/campaigns/v2/transactional/{sendId}")).JsonAsync();
        Assert.Equal("failed", status.Str("status"));
        int Count(string name) => status.GetProperty(name).GetInt32();
        Assert.Equal((0, 3, 0), (Count("sent"), Count("suppressed"), Count("failed")));
        Assert.All(status.GetProperty("recipients").EnumerateArray(),
            r => Assert.Equal(JsonValueKind.Null, r.GetProperty("message_id").ValueKind));

        var list = await (await _admin.GetAsync($"/campaigns/sends/{sendId}/messages")).JsonAsync();
        var messages = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, messages.Count);
        Assert.All(messages, m =>
        {
            Assert.Equal("suppressed", m.Str("state"));
            Assert.Equal(0, m.GetProperty("attempts").GetInt32());
            Assert.Equal(JsonValueKind.Null, m.GetProperty("nextAttemptAt").ValueKind);
        });
        Assert.DoesNotContain(_smtp.Received, m => m.Subject == "Your order 1042");
    }

    [Fact]
    public async Task A_record_missing_a_field_refuses_the_whole_call_unless_missing_fields_are_ignored()
    {
        object[] dataset = [Orders[0], new { customer_email = "bob@example.com", first_name = "Bob" }];

        var refused = await (await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional", Body(dataset)))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("dataset[1].order_no", out _));
        Assert.False(await RunJobAsync());

        await (await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional", Body(dataset, ignoreMissing: true)))
            .JsonAsync();
    }

    [Fact]
    public async Task The_same_idempotency_key_and_body_give_the_first_answer_and_send_nothing_twice()
    {
        using var first = new HttpRequestMessage(HttpMethod.Post, "/campaigns/v2/Orders/transactional")
        {
            Content = JsonContent(Body(Orders)),
        };
        first.Headers.Add("Idempotency-Key", "order-1042");
        var a = (await (await _admin.SendAsync(first)).JsonAsync()).Str("send_id");
        using var again = new HttpRequestMessage(HttpMethod.Post, "/campaigns/v2/Orders/transactional")
        {
            Content = JsonContent(Body(Orders)),
        };
        again.Headers.Add("Idempotency-Key", "order-1042");
        var b = (await (await _admin.SendAsync(again)).JsonAsync()).Str("send_id");
        Assert.Equal(a, b);

        using var other = new HttpRequestMessage(HttpMethod.Post, "/campaigns/v2/Orders/transactional")
        {
            Content = JsonContent(Body(Orders[..1])),
        };
        other.Headers.Add("Idempotency-Key", "order-1042");
        await (await _admin.SendAsync(other)).ProblemAsync(HttpStatusCode.Conflict);

        var campaigns = await (await _admin.GetAsync("/campaigns")).JsonAsync();
        var campaign = await (await _admin.GetAsync($"/campaigns/{campaigns.GetProperty("items")[0].Str("id")}"))
            .JsonAsync();
        Assert.Equal(1, campaign.GetProperty("sends").GetArrayLength());
    }

    private static object Order(int i) =>
        new { customer_email = $"buyer{i}@example.com", first_name = $"Buyer{i}", order_no = $"{2000 + i}" };

    private Task<List<Job>> DeliveryJobsAsync() => _host.WithDbAsync(db => db.Jobs.IgnoreQueryFilters().AsNoTracking()
        .Where(j => j.Kind == SendJobs.TransactionalDelivery).ToListAsync());

    private async Task<string> StatusAsync(string sendId) =>
        (await (await _admin.GetAsync($"/campaigns/v2/transactional/{sendId}")).JsonAsync()).Str("status");

    [Fact]
    public async Task Many_calls_are_delivered_together_by_one_job_of_the_team_each_message_once()
    {
        var before = _smtp.Received.Count;
        var sends = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            sends.Add((await (await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional",
                Body(new[] { Order(i) }))).JsonAsync()).Str("send_id"));
        }

        var waiting = Assert.Single(await DeliveryJobsAsync());
        Assert.Equal(JobState.Queued, waiting.State);
        Assert.True(await RunJobAsync());
        Assert.False(await RunJobAsync());

        foreach (var send in sends)
        {
            Assert.Equal("sent", await StatusAsync(send));
        }

        await _smtp.WaitForAsync(before + 12);
        var addresses = _smtp.Received.Skip(before).Select(m => m.To.Mailboxes.Single().Address).ToList();
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"buyer{i}@example.com").Order(), addresses.Order());
        Assert.Contains("Thanks Buyer7 for order 2007.",
            _smtp.Received.Single(m => m.To.Mailboxes.Single().Address == "buyer7@example.com").HtmlBody,
            StringComparison.Ordinal);
        Assert.Equal(JobState.Succeeded, Assert.Single(await DeliveryJobsAsync()).State);
        var campaigns = await (await _admin.GetAsync("/campaigns")).JsonAsync();
        var campaign = await (await _admin.GetAsync($"/campaigns/{campaigns.GetProperty("items")[0].Str("id")}"))
            .JsonAsync();
        Assert.All(campaign.GetProperty("sends").EnumerateArray(), s => Assert.Equal("completed", s.Str("state")));
    }

    [Fact]
    public async Task A_paused_call_waits_while_the_others_go_and_goes_when_resumed()
    {
        var before = _smtp.Received.Count;
        var paused = (await (await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional", Body(new[] { Order(1) })))
            .JsonAsync()).Str("send_id");
        await (await _admin.PostAsync($"/campaigns/sends/{paused}/pause", null)).JsonAsync();
        var other = (await (await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional", Body(new[] { Order(2) })))
            .JsonAsync()).Str("send_id");

        while (await RunJobAsync())
        {
        }

        Assert.Equal("sent", await StatusAsync(other));
        Assert.Equal("queued", await StatusAsync(paused));

        await (await _admin.PostAsync($"/campaigns/sends/{paused}/resume", null)).JsonAsync();
        while (await RunJobAsync())
        {
        }

        Assert.Equal("sent", await StatusAsync(paused));
        await _smtp.WaitForAsync(before + 2);
        Assert.Single(_smtp.Received, m => m.To.Mailboxes.Single().Address == "buyer1@example.com");
    }

    [Fact]
    public async Task A_deferred_call_is_tried_again_later_by_a_job_the_team_asks_for_itself()
    {
        _smtp.AnswerNext(1, SmtpServer.Protocol.SmtpReplyCode.Aborted, "4.7.1 greylisted, try again");
        var send = (await (await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional", Body(new[] { Order(3) })))
            .JsonAsync()).Str("send_id");
        while (await RunJobAsync())
        {
        }

        Assert.Equal("sending", await StatusAsync(send));
        var next = Assert.Single(await DeliveryJobsAsync(), j => j.State == JobState.Queued);
        Assert.Equal(_host.Clock.GetUtcNow().UtcDateTime.Add(Communique.Sending.DeliveryLoop.Backoff(1)),
            next.RunAfter);
        Assert.False(await RunJobAsync());

        _host.Clock.Advance(TimeSpan.FromMinutes(1));
        while (await RunJobAsync())
        {
        }

        var status = await (await _admin.GetAsync($"/campaigns/v2/transactional/{send}")).JsonAsync();
        Assert.Equal("sent", status.Str("status"));
        await _smtp.WaitForAsync(1);
        Assert.Single(_smtp.Received, m => m.To.Mailboxes.Single().Address == "buyer3@example.com");
        var message = await _host.WithDbAsync(db => db.OutboundMessages.IgnoreQueryFilters().AsNoTracking()
            .SingleAsync(m => m.Address == "buyer3@example.com"));
        Assert.Equal(2, message.Attempts);
    }

    [Fact]
    public async Task A_message_left_sending_by_a_run_that_died_is_sent_again_once_its_claim_has_lapsed()
    {
        var send = (await (await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional", Body(new[] { Order(4) })))
            .JsonAsync()).Str("send_id");
        // As a run that claimed it and died would leave it: sending, stamped with the end of its claim's lease.
        var lapses = _host.Clock.GetUtcNow().UtcDateTime.AddSeconds(30);
        await _host.WithDbAsync(db => db.OutboundMessages.IgnoreQueryFilters()
            .Where(m => m.Address == "buyer4@example.com")
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.State, Communique.Campaigns.MessageState.Sending)
                .SetProperty(m => m.Attempts, 1)
                .SetProperty(m => m.NextAttemptAt, lapses)));

        while (await RunJobAsync())
        {
        }

        Assert.Equal("sending", await StatusAsync(send));
        Assert.Equal(lapses, Assert.Single(await DeliveryJobsAsync(), j => j.State == JobState.Queued).RunAfter);

        _host.Clock.Advance(TimeSpan.FromSeconds(31));
        while (await RunJobAsync())
        {
        }

        Assert.Equal("sent", await StatusAsync(send));
        await _smtp.WaitForAsync(1);
        Assert.Single(_smtp.Received, m => m.To.Mailboxes.Single().Address == "buyer4@example.com");
    }

    [Fact]
    public async Task A_claim_takes_only_the_messages_still_queued()
    {
        await (await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional",
            Body(new[] { Order(5), Order(6), Order(7) }))).JsonAsync();
        var taken = await _host.WithDbAsync(async db =>
        {
            var messages = await db.OutboundMessages.IgnoreQueryFilters().AsNoTracking()
                .Where(m => m.Address.StartsWith("buyer")).OrderBy(m => m.Address).ToListAsync();
            // As if another run had claimed the second one a moment before.
            await db.OutboundMessages.IgnoreQueryFilters().Where(m => m.Id == messages[1].Id)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.State, Communique.Campaigns.MessageState.Sending));
            var stamp = _host.Clock.GetUtcNow().UtcDateTime.AddSeconds(30);
            await using var transaction = await db.Database.BeginTransactionAsync();
            var claimed = await Communique.Campaigns.MessageStore.ClaimAsync(db, [.. messages.Select(m => m.Id)], stamp,
                CancellationToken.None);
            await transaction.CommitAsync();
            return (claimed, messages.Select(m => m.Id).ToList(), stamp);
        });

        Assert.True(taken.claimed.SetEquals([taken.Item2[0], taken.Item2[2]]));
        var after = await _host.WithDbAsync(db => db.OutboundMessages.IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.Address.StartsWith("buyer")).OrderBy(m => m.Address).ToListAsync());
        Assert.All(after, m => Assert.Equal(Communique.Campaigns.MessageState.Sending, m.State));
        Assert.Equal([0, 0, 0], after.Select(m => m.Attempts));
        Assert.Equal(taken.stamp, after[0].NextAttemptAt);
        Assert.NotEqual(taken.stamp, after[1].NextAttemptAt);
    }

    // A host whose calls take a thousand records, and a communication that loops 20,000 times per record: a call
    // rendered to the end takes far longer than these tests wait.
    private async Task<(TestHost Host, HttpClient Admin)> SlowHostAsync(Action<IServiceCollection>? services = null)
    {
        var settings = _smtp.RelaySettings(("Transactional:MaxRecords", "1000"));
        var host = await TestHost.StartAsync(provider, settings, services);
        var admin = await (await host.CreateAccountAsync("Slow Corp")).AdminAsync();
        var created = await admin.PostJsonAsync("/projects", new { name = "Shop" });
        var project = (await created.JsonAsync(HttpStatusCode.Created)).Str("id");
        await (await admin.PostJsonAsync($"/projects/{project}/communications", new
        {
            name = "Order confirmation",
            channel = "email",
            content = new
            {
                subject = "Order",
                html = "<p>{% for i in (1..20000) %}{{ first_name }}{{ order_no }} {% endfor %}</p>",
            },
        })).JsonAsync(HttpStatusCode.Created);
        await TestSenders.VerifyAsync(host, admin, _smtp, "shop@acme.example");
        return (host, admin);
    }

    private const string SlowPath = "/campaigns/v2/Slow/transactional";

    [Fact]
    public async Task A_call_whose_client_went_away_stops_its_work_and_stores_nothing()
    {
        var ended = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (host, admin) = await SlowHostAsync(
            services => services.AddSingleton<IStartupFilter>(new RequestEnd(SlowPath, ended)));
        await using var _ = host;
        using var __ = admin;

        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var records = Enumerable.Range(0, 1000).Select(Order).ToArray();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => admin.PostAsJsonAsync(SlowPath, Body(records), giveUp.Token));

        var took = await ended.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(took < TimeSpan.FromSeconds(4), $"the request ran {took} (the client left at {clock.Elapsed})");
        Assert.Equal(0, await host.WithDbAsync(db => db.CampaignSends.IgnoreQueryFilters().CountAsync()));
    }

    // The budget runs on the host's clock, which the test moves: a quarter of a second at a time, less than one
    // record's render limit, until the call answers.
    [Fact]
    public async Task A_call_whose_records_take_longer_than_the_render_budget_is_refused_as_too_complex()
    {
        var (host, admin) = await SlowHostAsync();
        await using var _ = host;
        using var __ = admin;

        var records = Enumerable.Range(0, 1000).Select(Order).ToArray();
        var call = admin.PostAsJsonAsync(SlowPath, Body(records));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!call.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
            host.Clock.Advance(TimeSpan.FromMilliseconds(250));
        }

        var refused = await (await call).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("urn:communique:problem:too-complex", refused.Str("type"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(0, await host.WithDbAsync(db => db.CampaignSends.IgnoreQueryFilters().CountAsync()));
    }

    // Reports how long the server took over requests to one path, from the first middleware's point of view.
    private sealed class RequestEnd(string path, TaskCompletionSource<TimeSpan> ended) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    await inner(context);
                }
                finally
                {
                    if (context.Request.Path == path)
                    {
                        ended.TrySetResult(clock.Elapsed);
                    }
                }
            });
            next(app);
        };
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task Unknown_names_an_unverified_sender_and_too_many_records_are_refused()
    {
        var noProject = new Dictionary<string, object?>((Dictionary<string, object?>)Body(Orders))
        {
            ["project"] = "Nope",
        };
        await (await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional", noProject))
            .ProblemAsync(HttpStatusCode.NotFound);
        var noCommunication = new Dictionary<string, object?>((Dictionary<string, object?>)Body(Orders))
        {
            ["communication"] = "Nope",
        };
        await (await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional", noCommunication))
            .ProblemAsync(HttpStatusCode.NotFound);
        var casing = new Dictionary<string, object?>((Dictionary<string, object?>)Body(Orders))
        {
            ["sender"] = "Shop@acme.example",
        };
        var unverified = await (await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional", casing))
            .ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("urn:communique:problem:sender-not-verified", unverified.Str("type"));

        var many = Enumerable.Range(0, 6)
            .Select(i => (object)new { customer_email = $"r{i}@example.com", first_name = "R", order_no = "1" })
            .ToArray();
        await (await _admin.PostJsonAsync("/campaigns/v2/Orders/transactional", Body(many)))
            .ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await (await _admin.GetAsync($"/campaigns/v2/transactional/{Guid.NewGuid()}"))
            .ProblemAsync(HttpStatusCode.NotFound);
        Assert.False(await RunJobAsync());
    }
}

public sealed class TransactionalOnSqlite() : TransactionalTests(Provider.Sqlite);

public sealed class TransactionalOnPostgres() : TransactionalTests(Provider.Postgres);
