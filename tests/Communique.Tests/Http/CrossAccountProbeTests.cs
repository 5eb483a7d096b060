using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Communique.Data;
using Communique.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Communique.Tests.Http;

// Every endpoint of the app, called with the ids of team A1's things by another account (B) and by another team of
// the same account (A2), each an administrator of its own team: ids in paths, and ids in bodies beside the caller's
// own path. A path with another team's id answers as a path with an id that exists nowhere (404, or 403 where the
// caller may not use the endpoint at all); a body with one answers as a body with an unknown id and is never a
// success. Afterwards every read of A1 answers as before. An endpoint whose route parameter or body id the probe
// cannot fill fails the test: a new endpoint is probed from the day it exists.
public abstract partial class CrossAccountProbeTests(Provider provider) : IAsyncLifetime
{
    // Holes the probe finds in areas other branches are fixing; each goes when its fix is merged.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    // What fills each route parameter: the key of a thing (Things), per route; "number" is a version number.
    private static readonly Dictionary<string, string[]> RouteThings = new()
    {
        ["/projects/{id:guid}"] = ["project"],
        ["/projects/{projectId:guid}/communications"] = ["project"],
        ["/communications/{id:guid}"] = ["communication"],
        ["/communications/{id:guid}/preview"] = ["communication"],
        ["/communications/{id:guid}/versions"] = ["communication"],
        ["/communications/{id:guid}/versions/{number:int}"] = ["communication", "number"],
        ["/communications/{id:guid}/versions/{number:int}/changes"] = ["communication", "number"],
        ["/templates/{id:guid}"] = ["template"],
        ["/assets/folders/{id:guid}"] = ["folder"],
        ["/assets/{id:guid}"] = ["asset"],
        ["/assets/{id:guid}/content"] = ["asset"],
        ["/data/{id:guid}"] = ["dataSource"],
        ["/data/{id:guid}/schema"] = ["dataSource"],
        ["/data/{id:guid}/records"] = ["dataSource"],
        ["/data/{id:guid}/records/{uuid:guid}"] = ["dataSource", "record"],
        ["/data/{id:guid}/import"] = ["dataSource"],
        ["/data/{id:guid}/import/cancel"] = ["dataSource"],
        ["/senders/{id:guid}"] = ["sender"],
        ["/senders/{id:guid}/resend"] = ["sender"],
        ["/dkim-keys/{id:guid}"] = ["dkimKey"],
        ["/campaigns/{id:guid}"] = ["campaign"],
        ["/campaigns/{id:guid}/sends"] = ["campaign"],
        ["/campaigns/sends/{sendId:guid}"] = ["send"],
        ["/campaigns/sends/{sendId:guid}/pause"] = ["send"],
        ["/campaigns/sends/{sendId:guid}/resume"] = ["send"],
        ["/campaigns/sends/{sendId:guid}/cancel"] = ["send"],
        ["/campaigns/sends/{sendId:guid}/messages"] = ["send"],
        ["/campaigns/v2/{campaignName}/transactional"] = ["campaignName"],
        ["/campaigns/{campaignName}/transactional"] = ["campaignName"],
        ["/campaigns/v2/transactional/{sendId:guid}"] = ["transactionalSend"],
        ["/reports/sends/{id:guid}"] = ["send"],
        ["/reports/sends/{id:guid}/messages"] = ["send"],
        ["/reports/campaigns/{id:guid}"] = ["campaign"],
        ["/reports/communications/{id:guid}"] = ["communication"],
        ["/reports/projects/{id:guid}"] = ["project"],
        ["/credentials/{id:guid}"] = ["credential"],
        ["/credentials/{id:guid}/regenerate"] = ["credential"],
        ["/users/{id:guid}"] = ["user"],
        ["/users/{id:guid}/unlock"] = ["user"],
        ["/teams/{id:guid}"] = ["team"],
        ["/jobs/{id:guid}"] = ["job"],
        ["/jobs/{id:guid}/cancel"] = ["job"],
        ["/nlu/models/{id:guid}"] = ["nluModel"],
        ["/nlu/models/{id:guid}/intents"] = ["nluModel"],
        ["/nlu/models/{id:guid}/intents/{intent:guid}"] = ["nluModel", "intent"],
        ["/nlu/models/{id:guid}/entities"] = ["nluModel"],
        ["/nlu/models/{id:guid}/entities/{entity:guid}"] = ["nluModel", "entity"],
        ["/nlu/models/{id:guid}/export"] = ["nluModel"],
        ["/nlu/models/{id:guid}/import"] = ["nluModel"],
        ["/nlu/models/{id:guid}/parse"] = ["nluModel"],
        ["/nlu/models/{id:guid}/versions"] = ["nluModel"],
        ["/nlu/models/{id:guid}/versions/{number:int}"] = ["nluModel", "number"],
        ["/nlu/models/{id:guid}/versions/{number:int}/activate"] = ["nluModel", "number"],
        ["/nlu/models/{id:guid}/versions/{number:int}/cancel"] = ["nluModel", "number"],
        ["/unsubscribe-categories/{id:guid}"] = ["category"],
        ["/unsubscribes/{id:guid}"] = ["unsubscribe"],
        ["/document/communications/{id:guid}/pdf"] = ["document"],
        ["/document/communications/{id:guid}/png"] = ["document"],
        ["/document/communications/{id:guid}/batches"] = ["document"],
        ["/document/batches/{id:guid}"] = ["batch"],
        ["/document/batches/{id:guid}/files/{name}"] = ["batch", "batchFile"],
        ["/archive/entries/{id:guid}"] = ["archiveEntry"],
        ["/archive/entries/{id:guid}/content"] = ["archiveEntry"],
        ["/archive/entries/{id:guid}/proof"] = ["archiveEntry"],
        ["/archive/holds/{id:guid}/release"] = ["archiveHold"],
        ["/archive/exports/{id:guid}"] = ["archiveExport"],
        ["/archive/exports/{id:guid}/file"] = ["archiveExport"],
        ["/chat/bots/{botId:guid}/conversations"] = ["bot"],
        ["/chat/bots/{botId:guid}/widgets"] = ["bot"],
        ["/chat/widgets/{id:guid}"] = ["widget"],
        ["/chat/conversations/{id:guid}"] = ["conversation"],
        ["/chat/conversations/{id:guid}/messages"] = ["conversation"],
        ["/chat/conversations/{id:guid}/end"] = ["conversation"],
        ["/chat/agent/conversations/{id:guid}"] = ["conversation"],
        ["/chat/agent/conversations/{id:guid}/messages"] = ["conversation"],
        ["/chat/agent/conversations/{id:guid}/takeover"] = ["conversation"],
        ["/chat/agent/conversations/{id:guid}/handback"] = ["conversation"],
        ["/chat/agent/conversations/{id:guid}/end"] = ["conversation"],
        ["/chat/agent/conversations/{id:guid}/typing"] = ["conversation"],
        ["/chat/agent/conversations/{id:guid}/attachments"] = ["conversation"],
        ["/chat/agent/conversations/{id:guid}/attachments/{attachmentId:guid}"] = ["conversation", "attachment"],
        ["/blacklisted-domains/{id:guid}"] = ["blacklistedDomain"],
        ["/whitelisted-emails/{id:guid}"] = ["whitelistedEmail"],
        ["/push/sites/{id:guid}"] = ["pushSite"],
        ["/push/subscriptions/{id:guid}"] = ["pushSubscription"],
        ["/push/opt-outs/{userId}"] = ["pushUser"],
        ["/push/sends/{sendId:guid}/report"] = ["pushSend"],
        ["/push/communications/{id:guid}/preview"] = ["pushCommunication"],
        ["/push/campaigns/{id:guid}/sends"] = ["campaign"],
        ["/data/projects/{projectName}/communications/{communicationName}/videoUrl"] = ["projectName", "videoName"],
        ["/video/communications/{id:guid}/link"] = ["video"],
        ["/video/communications/{id:guid}/analytics"] = ["video"],
        ["/video/communications/{id:guid}/analytics/recipients"] = ["video"],
        ["/video/communications/{id:guid}/analytics/recipients/{uuid:guid}"] = ["video", "record"],
        ["/video/communications/{id:guid}/renders"] = ["videoCommunication"],
        ["/video/renders/{id:guid}"] = ["videoRender"],
    };

    // Routes whose parameters are not the id of a team's thing, and why they are outside this probe.
    private static readonly Dictionary<string, string> NotTeamThings = new()
    {
        ["/openapi/{documentName}.json"] = "the API's own documents, the same for everyone",
        ["/public/t/o/{token}.gif"] = "anonymous: a signed token names the message (Deliverability tests)",
        ["/public/t/c/{token}"] = "anonymous: a signed token names the message and link (Deliverability tests)",
        ["/public/unsubscribe/{token}"] = "anonymous: a signed token names the message (Deliverability tests)",
        ["/public/webhooks/{team:guid}/reports"] =
            "anonymous: a body signed with the team's secret (ProviderReportTests)",
        ["/public/chat/sms/{key}"] =
            "anonymous: a random key and Twilio's form signed with the team's auth token (SmsChannelTests)",
        ["/hard-bounces/{address}"] = "the platform's shared hard-bounce list, looked up by address (item 4)",
        ["/archive/policies/{scope}"] = "a channel's name: each team's own policy, set per team (ArchiveTests)",
        ["/public/chat/widgets/{key}"] = "anonymous: a widget's public key (ChatWidgetApiTests)",
        ["/public/chat/widgets/{key}/conversations"] = "anonymous: a widget's public key (ChatWidgetApiTests)",
        ["/public/chat/conversations/{id:guid}/messages"] =
            "anonymous: the conversation's signed token (ChatWidgetApiTests)",
        ["/public/chat/conversations/{id:guid}/events"] =
            "anonymous: the conversation's signed token (ChatWidgetApiTests)",
        ["/public/chat/conversations/{id:guid}/typing"] =
            "anonymous: the conversation's signed token (ChatWidgetApiTests)",
        ["/public/chat/conversations/{id:guid}/attachments"] =
            "anonymous: the conversation's signed token (ChatWidgetApiTests)",
        ["/public/push/sites/{key}"] = "anonymous: a site's public key (the push probes register with A1's)",
        ["/public/chat/conversations/{id:guid}/attachments/{attachmentId:guid}"] =
            "anonymous: the conversation's signed token (ChatWidgetApiTests)",
        ["/player/fonts/{font}.ttf"] = "anonymous: the bundled fonts, the same for everyone",
        ["/v/{key}/{uuid}"] = "anonymous: a link's random key and a record's uuid (VideoPlayerTests)",
        ["/v/{key}/{uuid}/captions.vtt"] = "anonymous: a link's random key and a record's uuid (VideoPlayerTests)",
        ["/v/{key}/{uuid}/events"] = "anonymous: the page's signed session token (VideoPlayerTests)",
        ["/v/{key}/background.mp4"] = "anonymous: a link's random key (VideoPlayerTests)",
        ["/v/{key}/assets/{assetId:guid}"] =
            "anonymous: a link's random key and an image its video names (VideoPlayerTests)",
        ["/v/{key}/{uuid:guid}/video.mp4"] =
            "anonymous: a random key and a record's uuid; another team's uuid is a plain 404 (VideoRenderTests)",
        ["/v/{key}/{uuid:guid}/poster.jpg"] =
            "anonymous: a random key and a record's uuid; another team's uuid is a plain 404 (VideoRenderTests)",
        ["/v/{key}/{uuid:guid}/images/{layer:int}"] =
            "anonymous: a random key and a record's uuid; another team's uuid is a plain 404 (VideoRenderTests)",
    };

    // Routes named by a user id, a name in the caller's own team: PUT gives the caller its own opt-out of that name
    // and DELETE takes it back. With A1's user id they answer exactly as with one nobody has, and A1's own opt-out
    // stays as it was (the snapshot reads it).
    private static readonly HashSet<string> NamedInCallersTeam =
        ["PUT /push/opt-outs/{userId}", "DELETE /push/opt-outs/{userId}"];

    // Bodies that carry ids of things: for each endpoint and field, a body with the caller's own things around the
    // id under test. Every Guid of a request type must be here.
    private static readonly Dictionary<string, Func<Things, string, object>> BodyIds = new()
    {
        ["POST /campaigns projectId"] = (own, id) => new { projectId = id, name = "Probe " + Guid.NewGuid() },
        ["POST /campaigns/{id:guid}/sends communicationId"] = (own, id) => Send(own, id, own["dataSource"]),
        ["POST /campaigns/{id:guid}/sends dataSourceId"] = (own, id) => Send(own, own["communication"], id),
        ["POST /projects/{projectId:guid}/communications templateId"] = (own, id) =>
            new { name = "Probe " + Guid.NewGuid(), channel = "email", templateId = id },
        ["POST /templates assetFolderId"] = (own, id) =>
            new { name = "Probe " + Guid.NewGuid(), channel = "email", content = Email("Probe"), assetFolderId = id },
        ["PUT /templates/{id:guid} assetFolderId"] = (own, id) => new { assetFolderId = id },
        ["POST /assets/folders parentId"] = (own, id) => new { name = "Probe " + Guid.NewGuid(), parentId = id },
        ["PATCH /assets/folders/{id:guid} parentId"] = (own, id) => new { parentId = id },
        ["PATCH /assets/{id:guid} folderId"] = (own, id) => new { folderId = id },
        ["POST /communications/{id:guid}/preview dataSourceId"] = (own, id) =>
            new { dataSourceId = id, uuid = own["record"] },
        ["POST /communications/{id:guid}/preview uuid"] = (own, id) =>
            new { dataSourceId = own["dataSource"], uuid = id },
        ["POST /document/communications/{id:guid}/pdf dataSourceId"] = (own, id) =>
            new { dataSourceId = id, uuid = own["record"] },
        ["POST /document/communications/{id:guid}/pdf uuid"] = (own, id) =>
            new { dataSourceId = own["dataSource"], uuid = id },
        ["POST /document/communications/{id:guid}/png dataSourceId"] = (own, id) =>
            new { dataSourceId = id, uuid = own["record"] },
        ["POST /document/communications/{id:guid}/png uuid"] = (own, id) =>
            new { dataSourceId = own["dataSource"], uuid = id },
        ["POST /document/communications/{id:guid}/batches dataSourceId"] = (own, id) => new { dataSourceId = id },
        ["POST /login teamId"] = (own, id) =>
            new { email = own["adminEmail"], password = own["adminPassword"], teamId = id },
        ["POST /push/campaigns/{id:guid}/sends communicationId"] = (own, id) => PushSend(id, null),
        ["POST /push/campaigns/{id:guid}/sends dataSourceId"] = (own, id) => PushSend(own["pushCommunication"], id),
        ["POST /video/communications/{id:guid}/renders dataSourceId"] = (own, id) => new { dataSourceId = id },
        ["PUT /chat/sms botId"] = (own, id) => new
        {
            accountSid = "AC0123456789abcdef0123456789abcdef", authToken = "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
            from = "+15550100000", botId = id,
        },
    };

    // Ids in query strings: the list they filter must not tell A1's id from an unknown one.
    private static readonly Dictionary<string, string> QueryIds = new()
    {
        ["GET /assets folderId"] = "folder",
        ["GET /archive/entries sendId"] = "send",
        ["GET /archive/accesses entryId"] = "archiveEntry",
        ["GET /chat/agent/conversations botId"] = "bot",
        ["GET /chat/analytics botId"] = "bot",
        ["GET /chat/agent/conversations agentId"] = "credential",
        ["GET /video/communications/{id:guid}/link uuid"] = "record",
    };

    // Bodies of the endpoints that need one, so that a call fails only for the id in its path.
    private static readonly Dictionary<string, Func<Things, object>> Bodies = new()
    {
        ["PUT /projects/{id:guid}"] = _ => new { name = "Taken over" },
        ["POST /projects/{projectId:guid}/communications"] = _ =>
            new { name = "Probe", channel = "email", content = Email("x") },
        ["PUT /communications/{id:guid}"] = _ => new { name = "Taken over" },
        ["POST /communications/{id:guid}/preview"] = _ => new { record = new { name = "Ann" } },
        ["PUT /templates/{id:guid}"] = _ => new { name = "Taken over" },
        ["PATCH /assets/folders/{id:guid}"] = _ => new { name = "Taken over" },
        ["PATCH /assets/{id:guid}"] = _ => new { name = "Taken over" },
        ["PUT /data/{id:guid}/schema"] = _ => new { locale = "en-US" },
        ["POST /data/{id:guid}/import"] = _ => Csv("email,name\ncy@example.org,Cy\n"),
        ["POST /campaigns/{id:guid}/sends"] = own => Send(own, own["communication"], own["dataSource"]),
        ["POST /campaigns/v2/{campaignName}/transactional"] = own => Transactional(own, "email"),
        ["POST /campaigns/{campaignName}/transactional"] = own => Transactional(own, "$[*].email"),
        ["PATCH /users/{id:guid}"] = _ => new { role = "administrator" },
        ["PATCH /teams/{id:guid}"] = _ => new { name = "Taken over" },
        ["PUT /nlu/models/{id:guid}"] = _ => new { name = "Taken over" },
        ["POST /nlu/models/{id:guid}/intents"] = _ => new { name = "probe", utterances = Utterances("probe") },
        ["PUT /nlu/models/{id:guid}/intents/{intent:guid}"] = _ => new { utterances = Utterances("taken") },
        ["POST /nlu/models/{id:guid}/entities"] = _ => new { name = "probe", kind = "regex", pattern = "P-[0-9]+" },
        ["PUT /nlu/models/{id:guid}/entities/{entity:guid}"] = _ =>
            new { name = "probe", kind = "regex", pattern = "Q-[0-9]+" },
        ["POST /nlu/models/{id:guid}/parse"] = _ => new { text = "reset my password" },
        ["PUT /unsubscribe-categories/{id:guid}"] = _ => new { name = "Taken over" },
        ["PUT /unsubscribes/{id:guid}"] = _ => new { address = "taken@example.org" },
        ["POST /document/communications/{id:guid}/pdf"] = _ => new { record = new { name = "Ann" } },
        ["POST /document/communications/{id:guid}/png"] = _ => new { record = new { name = "Ann" } },
        ["POST /document/communications/{id:guid}/batches"] = _ => new { records = Ann },
        ["POST /chat/bots/{botId:guid}/conversations"] = _ => new { externalUserId = "probe" },
        ["POST /chat/conversations/{id:guid}/messages"] = _ => new { text = "Taken over" },
        ["POST /chat/agent/conversations/{id:guid}/messages"] = _ => new { text = "Taken over" },
        ["POST /chat/bots/{botId:guid}/widgets"] = _ => new { title = "Taken over" },
        ["POST /chat/agent/conversations/{id:guid}/attachments"] = _ => Csv("taken,over\n", "notes.csv"),
        ["POST /push/campaigns/{id:guid}/sends"] = own => PushSend(own["pushCommunication"], null),
        ["POST /push/communications/{id:guid}/preview"] = _ => new { data = new { order = "1042" } },
        ["POST /video/communications/{id:guid}/renders"] = own => new { dataSourceId = own["dataSource"] },
    };

    // Query parameters an endpoint needs beside its ids.
    private static readonly Dictionary<string, string> Queries = new()
    {
        ["/data/{id:guid}/import"] = "?mode=append",
    };

    private TestHost _host = null!;
    private Caller _a1 = null!;
    private Caller _a2 = null!;
    private Caller _b = null!;

    private sealed record Caller(string Name, HttpClient Client, Things Things);

    public async ValueTask InitializeAsync()
    {
        _host = await TestHost.StartAsync(
            provider, new Dictionary<string, string?>
            {
                ["Archive:Enabled"] = "true",
                // Browsers' subscriptions point at a push service on the loopback (nothing is sent to it).
                ["Push:AllowedNetworks"] = "127.0.0.0/8",
            });
        var acme = await _host.CreateAccountAsync("Acme Corp");
        var globex = await _host.CreateAccountAsync("Globex Corporation");

        var a1 = await acme.AdminAsync();
        _a1 = new Caller("A1", a1, await CreateThingsAsync(a1, "a1", acme));
        string a2Team;
        using (var acmeUser = await UserClientAsync(acme, null))
        {
            a2Team = (await (await acmeUser.PostJsonAsync("/teams", new { name = "Second team", region = "us-east-1" }))
                .JsonAsync(HttpStatusCode.Created)).Str("id");
        }

        var a2User = await UserClientAsync(acme, a2Team);
        // A credential of A2 speaks for A2 alone; A's administrator, a member of both teams, would not.
        var a2 = await CredentialClientAsync(a2User, acme.CustomerId);
        _a2 = new Caller("A2", a2, await CreateThingsAsync(a2, "a2", acme));
        var b = await globex.AdminAsync();
        _b = new Caller("B", b, await CreateThingsAsync(b, "b", globex));
    }

    public async ValueTask DisposeAsync()
    {
        _a1.Client.Dispose();
        _a2.Client.Dispose();
        _b.Client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task No_endpoint_lets_another_account_or_another_team_reach_a_teams_things_by_id()
    {
        var endpoints = Endpoints();
        var unknown = endpoints
            .Where(e => e.Parameters.Count > 0 && !RouteThings.ContainsKey(e.Route))
            .Where(e => !NotTeamThings.ContainsKey(e.Route))
            .Select(e => $"{e.Method} {e.Route}")
            .Concat(endpoints.SelectMany(e => e.BodyIds.Select(field => $"{e.Method} {e.Route} {field}"))
                .Where(key => !BodyIds.ContainsKey(key)))
            .Concat(endpoints.SelectMany(e => e.QueryIds.Select(field => $"{e.Method} {e.Route} {field}"))
                .Where(key => !QueryIds.ContainsKey(key)))
            .ToList();
        Assert.True(unknown.Count == 0,
            "The probe does not know how to fill these endpoints' ids (add them to RouteThings, BodyIds, "
            + "QueryIds or NotTeamThings):\n" + string.Join("\n", unknown));

        var before = await SnapshotAsync(endpoints);
        var holes = new List<string>();
        foreach (var caller in new[] { _b, _a2 })
        {
            // Reads first, deletions last, so that a hole that deletes does not hide the holes after it.
            foreach (var endpoint in endpoints.OrderBy(e => e.Method switch { "GET" => 0, "DELETE" => 2, _ => 1 }))
            {
                await ProbePathAsync(caller, endpoint, holes);
                await ProbeBodyAsync(caller, endpoint, holes);
                await ProbeQueryAsync(caller, endpoint, holes);
                await ProbeListAsync(caller, endpoint, holes);
            }
        }

        await ProbeAddingAnotherAccountsUserAsync(holes);
        await ProbeAttachmentsAsync(_b, holes);
        await ProbeAttachmentsAsync(_a2, holes);
        await ProbePushSettingsAsync(holes);
        await ProbePushToAnotherTeamsUserAsync(holes);
        var after = await SnapshotAsync(endpoints);
        holes.AddRange(before.Where(read => after[read.Key] != read.Value)
            .Select(read => $"A1's {read.Key} changed:\n  before {read.Value}\n  after  {after[read.Key]}"));
        // After the snapshots: this one adds to A1's subscriptions, as it should.
        await ProbePublicSubscriptionAsync(holes);

        foreach (var hole in holes)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(hole);
        }

        Assert.True(holes.Count == 0, "Cross-team holes:\n" + string.Join("\n", holes));
    }

    private async Task ProbePathAsync(Caller caller, Endpoint endpoint, List<string> holes)
    {
        if (!RouteThings.TryGetValue(endpoint.Route, out var keys))
        {
            return;
        }

        var make = Bodies.GetValueOrDefault($"{endpoint.Method} {endpoint.Route}", _ => null!);
        var method = endpoint.Method;
        var foreign = await CallAsync(caller, method, Path(endpoint, keys, _a1.Things), make(caller.Things));
        var nowhere = await CallAsync(caller, method, Path(endpoint, keys, Things.Nowhere), make(caller.Things));
        var named = NamedInCallersTeam.Contains($"{method} {endpoint.Route}");
        if ((!named && foreign.Status is not (HttpStatusCode.NotFound or HttpStatusCode.Forbidden))
            || foreign.Status != nowhere.Status)
        {
            holes.Add($"{caller.Name} {endpoint.Method} {endpoint.Route}: {(int)foreign.Status} with A1's ids, "
                + $"{(int)nowhere.Status} with unknown ids; {Shorten(foreign.Body)}");
        }
    }

    private async Task ProbeBodyAsync(Caller caller, Endpoint endpoint, List<string> holes)
    {
        foreach (var field in endpoint.BodyIds)
        {
            if (field == "teamId" && caller == _a2)
            {
                // A2's caller is a credential: it does not sign in, and A's administrator belongs to A1 as well.
                continue;
            }

            var path = OwnPath(caller, endpoint);
            var make = BodyIds[$"{endpoint.Method} {endpoint.Route} {field}"];
            var id = _a1.Things[KeyOf(field, endpoint)];
            var foreign = await CallAsync(caller, endpoint.Method, path, make(caller.Things, id));
            var unknown = Guid.NewGuid().ToString();
            var nowhere = await CallAsync(caller, endpoint.Method, path, make(caller.Things, unknown));
            if ((int)foreign.Status is >= 200 and < 300 || foreign.Status != nowhere.Status)
            {
                holes.Add($"{caller.Name} {endpoint.Method} {endpoint.Route} {field}: {(int)foreign.Status} with "
                    + $"A1's id, {(int)nowhere.Status} with an unknown id; {Shorten(foreign.Body)}");
            }
        }
    }

    private async Task ProbeQueryAsync(Caller caller, Endpoint endpoint, List<string> holes)
    {
        foreach (var field in endpoint.QueryIds)
        {
            var path = OwnPath(caller, endpoint);
            var id = _a1.Things[QueryIds[$"{endpoint.Method} {endpoint.Route} {field}"]];
            var unknown = Guid.NewGuid().ToString();
            var foreign = await CallAsync(caller, endpoint.Method, $"{path}?{field}={id}", null);
            var nowhere = await CallAsync(caller, endpoint.Method, $"{path}?{field}={unknown}", null);
            if (foreign.Status != nowhere.Status
                || PerRequest().Replace(foreign.Body.Replace(id, "?", StringComparison.Ordinal), "")
                    != PerRequest().Replace(nowhere.Body.Replace(unknown, "?", StringComparison.Ordinal), ""))
            {
                holes.Add($"{caller.Name} {endpoint.Method} {endpoint.Route}?{field}: {(int)foreign.Status} with "
                    + $"A1's id, {(int)nowhere.Status} with an unknown id; {Shorten(foreign.Body)}");
            }
        }
    }

    // A read without ids (a list, the caller's account) shows none of A1's ids.
    private async Task ProbeListAsync(Caller caller, Endpoint endpoint, List<string> holes)
    {
        if (endpoint.Method != "GET" || endpoint.Parameters.Count > 0)
        {
            return;
        }

        var read = await CallAsync(caller, "GET", endpoint.Route, null);
        var shown = _a1.Things
            .Where(t => Guid.TryParse(t.Value, out _))
            .Where(t => read.Body.Contains(t.Value, StringComparison.OrdinalIgnoreCase))
            .Select(t => t.Key)
            .ToList();
        if (shown.Count > 0)
        {
            holes.Add($"{caller.Name} {endpoint.Method} {endpoint.Route}: shows A1's {string.Join(", ", shown)}");
        }
    }

    // An email's attachments are asset ids inside its content: saving A1's asset in the caller's communication
    // answers as saving an unknown one, and sending it is refused as sending an unknown one.
    private async Task ProbeAttachmentsAsync(Caller caller, List<string> holes)
    {
        async Task<(HttpStatusCode Saved, HttpStatusCode Sent, string Body)> SendWithAsync(string asset)
        {
            var saved = await CallAsync(caller, "POST", $"/projects/{caller.Things["project"]}/communications", new
            {
                name = "Attachment " + Guid.NewGuid(), channel = "email",
                content = new { subject = "Terms", html = "<p>Hi {{ name }}</p>", attachments = new[] { asset } },
            });
            if (saved.Status != HttpStatusCode.Created)
            {
                return (saved.Status, saved.Status, saved.Body);
            }

            var communication = JsonDocument.Parse(saved.Body).RootElement.Str("id");
            var sent = await CallAsync(caller, "POST", $"/campaigns/{caller.Things["campaign"]}/sends",
                Send(caller.Things, communication, caller.Things["dataSource"]));
            return (saved.Status, sent.Status, sent.Body);
        }

        var foreign = await SendWithAsync(_a1.Things["asset"]);
        var nowhere = await SendWithAsync(Guid.NewGuid().ToString());
        if ((int)foreign.Sent is >= 200 and < 300 || foreign.Saved != nowhere.Saved || foreign.Sent != nowhere.Sent)
        {
            holes.Add($"{caller.Name} POST /campaigns/{{id:guid}}/sends content.attachments: saved "
                + $"{(int)foreign.Saved} and sent {(int)foreign.Sent} with A1's asset, {(int)nowhere.Saved} and "
                + $"{(int)nowhere.Sent} with an unknown one; {Shorten(foreign.Body)}");
        }
    }

    // POST /users takes an e-mail, not an id: A1's member named by B must not become B's, nor be told apart.
    private async Task ProbeAddingAnotherAccountsUserAsync(List<string> holes)
    {
        var foreign = await CallAsync(_b, "POST", "/users", new { email = _a1.Things["userEmail"], role = "reporter" });
        var (user, team) = (Guid.Parse(_a1.Things["user"]), Guid.Parse(_a1.Things["team"]));
        if ((int)foreign.Status is >= 200 and < 300
            && await _host.WithDbAsync(db => db.Memberships.IgnoreQueryFilters()
                .AnyAsync(m => m.UserId == user && m.TeamId != team)))
        {
            holes.Add($"B POST /users email: {(int)foreign.Status}, A1's member became a member of B's team");
        }
    }

    private static string KeyOf(string field, Endpoint endpoint) => field switch
    {
        "projectId" => "project",
        "communicationId" when endpoint.Route.StartsWith("/push/", StringComparison.Ordinal) => "pushCommunication",
        "communicationId" => "communication",
        "dataSourceId" => "dataSource",
        "templateId" => "template",
        "assetFolderId" or "parentId" or "folderId" => "folder",
        "uuid" => "record",
        "teamId" => "team",
        "botId" => "bot",
        _ => throw new InvalidOperationException($"No thing for {field} of {endpoint.Method} {endpoint.Route}"),
    };

    // Every read A1 can make of its own things, as status and body.
    private async Task<Dictionary<string, string>> SnapshotAsync(IReadOnlyList<Endpoint> endpoints)
    {
        var reads = new Dictionary<string, string>();
        // The archive's access log grows with every read of the archive, these snapshots' own included.
        var readable = endpoints
            .Where(e => e.Method == "GET" && (e.Parameters.Count == 0 || RouteThings.ContainsKey(e.Route)))
            .Where(e => e.Route != "/archive/accesses");
        foreach (var endpoint in readable)
        {
            var path = OwnPath(_a1, endpoint);
            var read = await CallAsync(_a1, "GET", path, null);
            reads[path] = $"{(int)read.Status} {PerRequest().Replace(read.Body, "")}";
        }

        return reads;
    }

    private static async Task<(HttpStatusCode Status, string Body)> CallAsync(
        Caller caller, string method, string path, object? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is HttpContent content)
        {
            request.Content = content;
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        else if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await caller.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        // A stream of events never ends: its status says whether it was opened, and what it would show comes later.
        return response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? (response.StatusCode, "")
            : (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Path(Endpoint endpoint, string[] keys, Things things)
    {
        var path = endpoint.Route;
        for (var i = 0; i < endpoint.Parameters.Count; i++)
        {
            var value = keys[i] == "number" ? "1" : things[keys[i]];
            var parameter = "{" + endpoint.Parameters[i] + "}";
            path = path.Replace(parameter, Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        return path + Queries.GetValueOrDefault(endpoint.Route, "");
    }

    // The endpoint's path with the caller's own things in it.
    private static string OwnPath(Caller caller, Endpoint endpoint) =>
        RouteThings.TryGetValue(endpoint.Route, out var keys) ? Path(endpoint, keys, caller.Things) : endpoint.Route;

    private static string Shorten(string body) => body.Length > 300 ? body[..300] + "…" : body;

    private sealed record Endpoint(
        string Method,
        string Route,
        IReadOnlyList<string> Parameters,
        IReadOnlyList<string> BodyIds,
        IReadOnlyList<string> QueryIds);

    // The app's endpoints with their methods, route parameters (as written in the route), the Guid fields of the JSON
    // body they accept and their Guid query parameters.
    private List<Endpoint> Endpoints() => _host.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
        .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method =>
        {
            var route = "/" + e.RoutePattern.RawText!.Trim('/');
            var parameters = e.RoutePattern.Parameters
                .Select(p => route[(route.IndexOf("{" + p.Name, StringComparison.Ordinal) + 1)..].Split('}')[0])
                .ToList();
            var type = e.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            var ids = type is null ? [] : type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.PropertyType == typeof(Guid) || p.PropertyType == typeof(Guid?))
                .Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..])
                .ToList();
            if (e.RoutePattern.RawText == "/assets" && method == "POST")
            {
                // A multipart form with an optional folderId field.
                ids.Add("folderId");
            }

            var queryIds = e.Metadata.GetOrderedMetadata<IParameterBindingMetadata>()
                .Where(p => p.ParameterInfo.ParameterType is var t && (t == typeof(Guid) || t == typeof(Guid?)))
                .Select(p => p.Name)
                .Where(name => e.RoutePattern.GetParameter(name) is null)
                .ToList();
            return new Endpoint(method, route, parameters, ids, queryIds);
        }))
        .Where(e => e.Method != "HEAD")
        .DistinctBy(e => (e.Method, e.Route))
        .ToList();

    // The ids a problem document gives each request.
    [GeneratedRegex("\"(traceId|requestId)\":\"[^\"]*\"")]
    private static partial Regex PerRequest();

    private static MultipartFormDataContent Csv(string text, string? name = null)
    {
        var form = new MultipartFormDataContent();
        if (name is not null)
        {
            form.Add(new StringContent(name), "name");
        }

        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");
        return form;
    }

    private static readonly object[] Ann = [new { email = "ann@example.org", name = "Ann" }];

    private static object[] Utterances(params string[] texts) => texts.Select(text => (object)new { text }).ToArray();

    private static object Email(string subject) => new { subject, html = "<p>Hello {{ name }}</p>" };

    private static object Send(Things own, string communication, string dataSource) => new
    {
        communicationId = communication, dataSourceId = dataSource, addressField = "email",
        sender = own["senderAddress"], scheduleAt = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc),
    };

    // A transactional call of the caller's own sender with A1's communication and project names: a call names its
    // campaign, communication and project, and names are looked up in the caller's team.
    private static object Transactional(Things own, string emailPath) => new Dictionary<string, object?>
    {
        ["communication"] = "a1 Offer", ["project"] = "a1 Shop", ["dataset"] = Ann,
        ["email_json_path"] = emailPath, ["sender"] = own["senderAddress"],
    };

    // One of every kind of thing a team has, each named after the team.
    private async Task<Things> CreateThingsAsync(HttpClient client, string prefix, TestAccount account)
    {
        var things = new Things
        {
            ["adminEmail"] = account.AdminEmail, ["adminPassword"] = account.AdminPassword,
            ["team"] = (await (await client.GetAsync("/me")).JsonAsync()).Str("teamId"),
        };
        async Task<string> Created(string path, object body, string id = "id") =>
            (await (await client.PostJsonAsync(path, body)).JsonAsync(HttpStatusCode.Created)).Str(id);

        things["project"] = await Created("/projects", new { name = $"{prefix} Shop" });
        things["communication"] = await Created($"/projects/{things["project"]}/communications",
            new { name = $"{prefix} Offer", channel = "email", content = Email("Offer for {{ name }}") });
        things["template"] = await Created("/templates",
            new { name = $"{prefix} Layout", channel = "email", content = Email("Hi") });
        things["folder"] = await Created("/assets/folders", new { name = $"{prefix} Images" });
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new StringContent("image"), "kind");
            form.Add(new StringContent(things["folder"]), "folderId");
            var file = new ByteArrayContent(Png);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "file", "logo.png");
            things["asset"] = (await (await client.PostAsync("/assets", form)).JsonAsync(HttpStatusCode.Created))
                .Str("id");
        }

        using (var form = Csv("email,name\nann@example.org,Ann\nbob@example.org,Bob\n", $"{prefix} People"))
        {
            things["dataSource"] = (await (await client.PostAsync("/data", form)).JsonAsync(HttpStatusCode.Created))
                .Str("Id");
        }

        things["record"] = (await (await client.GetAsync($"/data/{things["dataSource"]}/records")).JsonAsync())
            .GetProperty("items")[0].Str("uuid");
        things["senderAddress"] = $"news@{prefix}.example";
        things["sender"] = await Created("/senders", new { address = things["senderAddress"] });
        // Verified as its emailed link would (SenderTests): the probe needs a sender, not the mail.
        var sender = Guid.Parse(things["sender"]);
        var verifiedAt = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        await _host.WithDbAsync(db => db.Senders.IgnoreQueryFilters().Where(s => s.Id == sender)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.VerifiedAt, verifiedAt)));
        things["dkimKey"] = await Created("/dkim-keys", new { domain = $"{prefix}.example", selector = "s1" });
        things["campaignName"] = $"{prefix} Offers";
        things["campaign"] = await Created("/campaigns",
            new { projectId = things["project"], name = things["campaignName"] });
        var sent = await client.PostJsonAsync($"/campaigns/{things["campaign"]}/sends",
            Send(things, things["communication"], things["dataSource"]));
        things["send"] = (await sent.JsonAsync(HttpStatusCode.Accepted)).Str("id");
        var called = await client.PostJsonAsync($"/campaigns/v2/{things["campaignName"]}/transactional",
            new Dictionary<string, object?>
            {
                ["communication"] = $"{prefix} Offer", ["project"] = $"{prefix} Shop", ["dataset"] = Ann,
                ["email_json_path"] = "email", ["sender"] = things["senderAddress"],
            });
        things["transactionalSend"] = (await called.JsonAsync()).Str("send_id");
        things["credential"] = await Created("/credentials", new { name = $"{prefix} CRM", role = "reporter" });
        things["userEmail"] = $"designer@{prefix}.example";
        things["user"] = await Created("/users",
            new { email = things["userEmail"], role = "designer", password = "a password of length" });
        things["nluModel"] = await Created("/nlu/models", new { name = $"{prefix} Assistant", language = "en" });
        things["intent"] = await Created($"/nlu/models/{things["nluModel"]}/intents",
            new { name = "reset_password", utterances = Utterances("I forgot my password", "reset my password") });
        await Created($"/nlu/models/{things["nluModel"]}/intents",
            new { name = "balance", utterances = Utterances("what is my balance", "how much money do I have") });
        things["entity"] = await Created($"/nlu/models/{things["nluModel"]}/entities",
            new { name = "ticket", kind = "regex", pattern = "TCK-[0-9]{4,8}" });
        await (await client.PostAsync($"/nlu/models/{things["nluModel"]}/versions", null))
            .JsonAsync(HttpStatusCode.Accepted);
        things["category"] = await Created("/unsubscribe-categories", new { name = $"{prefix} Offers" });
        things["unsubscribe"] = await Created("/unsubscribes",
            new { address = $"gone@{prefix}.example", category = $"{prefix} Offers" });
        things["blacklistedDomain"] = await Created("/blacklisted-domains",
            new { domain = $"blocked-{prefix}.example" });
        things["whitelistedEmail"] = await Created("/whitelisted-emails", new { address = $"vip@{prefix}.example" });
        await (await client.PostAsync("/webhook-secret", null)).JsonAsync(HttpStatusCode.Created);
        things["document"] = await Created($"/projects/{things["project"]}/communications", new
        {
            name = $"{prefix} Letter", channel = "document",
            content = new { markup = "<document><body><p>Dear {{ name }}</p></body></document>" },
        });
        things["batch"] = (await (await client.PostJsonAsync($"/document/communications/{things["document"]}/batches",
            new { records = Ann })).JsonAsync(HttpStatusCode.Accepted)).Str("id");
        things["batchFile"] = "documents.zip";
        things["videoCommunication"] = await Created($"/projects/{things["project"]}/communications",
            new { name = $"{prefix} Film", channel = "video" });
        // A render as a campaign's batch job makes it (the probe runs no jobs).
        var render = new Communique.Video.VideoRender
        {
            TeamId = Guid.Parse(things["team"]), CommunicationId = Guid.Parse(things["videoCommunication"]),
            Version = 1, RecordUuid = Guid.Parse(things["record"]), CacheKey = Guid.NewGuid().ToString("N"),
            Plan = "{}", CreatedAt = verifiedAt,
        };
        await _host.WithDbAsync(db =>
        {
            db.VideoRenders.Add(render);
            return db.SaveChangesAsync();
        });
        things["videoRender"] = render.Id.ToString();
        // The PDF is archived: the team's first archive entry.
        await (await client.PostJsonAsync($"/document/communications/{things["document"]}/pdf",
            new { record = new { name = "Ann" } })).Content.ReadAsByteArrayAsync();
        things["archiveEntry"] = (await (await client.GetAsync("/archive/entries")).JsonAsync())
            .GetProperty("items")[0].Str("id");
        // A signed head, so that the installation's archive key exists before the reads are compared.
        await (await client.GetAsync("/archive/tree-head")).JsonAsync();
        things["archiveHold"] = await Created("/archive/holds",
            new { reason = $"{prefix} dispute", entryIds = new[] { things["archiveEntry"] } });
        things["archiveExport"] = (await (await client.PostJsonAsync("/archive/exports", new { search = "" }))
            .JsonAsync(HttpStatusCode.Accepted)).Str("id");
        things["bot"] = await Created($"/projects/{things["project"]}/communications", new
        {
            name = $"{prefix} Bot", channel = "chat",
            content = new
            {
                start = "ask",
                interactions = new object[]
                {
                    new { id = "ask", type = "question", text = "Name?", variable = "name", next = "bye" },
                    new { id = "bye", type = "end", text = "Bye {{ context.name }}" },
                },
            },
        });
        things["conversation"] = (await (await client.PostJsonAsync($"/chat/bots/{things["bot"]}/conversations",
            new { externalUserId = $"{prefix}-user" })).JsonAsync(HttpStatusCode.Created))
            .GetProperty("conversation").Str("id");
        things["widget"] = await Created($"/chat/bots/{things["bot"]}/widgets", new { title = $"{prefix} Help" });
        (await client.PostAsync($"/chat/agent/conversations/{things["conversation"]}/takeover", null))
            .EnsureSuccessStatusCode();
        things["attachment"] = (await (await client.PostAsync(
                $"/chat/agent/conversations/{things["conversation"]}/attachments", Csv("a,b\n1,2\n", "notes.csv")))
            .JsonAsync()).GetProperty("messages")[0].GetProperty("attachment").Str("id");
        await CreatePushThingsAsync(client, prefix, things);
        things["projectName"] = $"{prefix} Shop";
        things["videoName"] = $"{prefix} Film";
        things["video"] = things["videoCommunication"];
        things["job"] = (await (await client.GetAsync("/jobs")).JsonAsync()).GetProperty("items")[0].Str("id");
        return things;
    }

    // A team's push set-up: its credentials, a site, a browser's subscription registered with the site's key, a
    // device, an opted-out user, a push communication and a transactional push send.
    private async Task CreatePushThingsAsync(HttpClient client, string prefix, Things things)
    {
        var settings = await (await client.PutAsJsonAsync("/push/settings",
            new { vapidSubject = $"mailto:ops@{prefix}.example" })).JsonAsync();
        things["vapidPublicKey"] = settings.Str("vapidPublicKey");
        things["fcmProject"] = $"{prefix}-shop";
        using (var rsa = RSA.Create(2048))
        {
            var serviceAccount = new Dictionary<string, string>
            {
                ["type"] = "service_account", ["project_id"] = things["fcmProject"],
                ["private_key_id"] = $"{prefix}-key", ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
                ["client_email"] = $"push@{prefix}-shop.iam.gserviceaccount.com",
                ["token_uri"] = "https://oauth2.googleapis.com/token",
            };
            await (await client.PutAsJsonAsync("/push/settings/fcm", new { serviceAccount })).JsonAsync();
        }

        things["apnsKeyId"] = (prefix.ToUpperInvariant() + "KEY0000000")[..10];
        using (var p8 = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await (await client.PutAsJsonAsync("/push/settings/apns", new
            {
                teamId = (prefix.ToUpperInvariant() + "TEAM000000")[..10], keyId = things["apnsKeyId"],
                bundleId = $"com.{prefix}.shop", environment = "production", privateKey = p8.ExportPkcs8PrivateKeyPem(),
            })).JsonAsync();
        }

        var site = await (await client.PostJsonAsync("/push/sites", new { name = $"{prefix} Shop" }))
            .JsonAsync(HttpStatusCode.Created);
        (things["pushSite"], things["pushSiteKey"]) = (site.Str("id"), site.Str("key"));
        things["pushUser"] = $"{prefix}-user";
        things["pushSubscription"] = await SubscribeBrowserAsync(things["pushSiteKey"], things["pushUser"]);
        await (await client.PostJsonAsync("/push/devices", new
        {
            platform = "fcm", token = $"{prefix}-phone", userId = things["pushUser"],
        })).JsonAsync(HttpStatusCode.Created);
        await (await client.PutAsync($"/push/opt-outs/{things["pushUser"]}", null)).JsonAsync();
        things["pushCommunication"] = (await (await client.PostJsonAsync(
            $"/projects/{things["project"]}/communications", new
            {
                name = $"{prefix} Push", channel = "push", content = new { title = "Order {{ order }}" },
            })).JsonAsync(HttpStatusCode.Created)).Str("id");
        things["pushSend"] = (await (await client.PostJsonAsync("/push/transactional",
                PushCall(prefix, things["pushUser"]))).JsonAsync()).Str("sendId");
    }

    // A browser's subscription, registered anonymously with a site's key as the SDK does; its id.
    private async Task<string> SubscribeBrowserAsync(string siteKey, string userId)
    {
        using var browser = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var point = browser.ExportParameters(false).Q;
        using var anonymous = _host.CreateClient();
        var subscribed = await anonymous.PostJsonAsync("/public/push/subscriptions", new
        {
            siteKey, endpoint = $"https://127.0.0.1:9/push/{Guid.NewGuid():N}",
            keys = new
            {
                p256dh = Base64Url.EncodeToString([0x04, .. point.X!, .. point.Y!]),
                auth = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
            },
            userId, attributes = new { plan = "pro" },
        });
        return (await subscribed.JsonAsync(HttpStatusCode.Created)).Str("id");
    }

    private static object PushSend(string communicationId, string? dataSourceId) => dataSourceId is null
        ? new { communicationId, audience = "all", scheduleAt = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc) }
        : new
        {
            communicationId, dataSourceId, userIdField = "email",
            scheduleAt = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        };

    // A transactional push call of the team named by the prefix (its project, campaign and communication) to a user.
    private static object PushCall(string prefix, string userId) => new
    {
        project = $"{prefix} Shop", campaign = $"{prefix} Offers", communication = $"{prefix} Push",
        recipients = new[] { new { userId, data = new { order = "1042" } } },
    };

    private static readonly string[] PushSecrets = ["vapidPublicKey", "fcmProject", "apnsKeyId"];

    // The settings routes name no id: each caller's calls change its own team's settings, and what it reads is its
    // own, never A1's key, service account or APNs key (A1's reads are compared afterwards).
    private async Task ProbePushSettingsAsync(List<string> holes)
    {
        foreach (var caller in new[] { _b, _a2 })
        {
            var subject = $"mailto:{caller.Name.ToLowerInvariant()}@taken-over.example";
            var calls = new (string Method, string Path, object? Body)[]
            {
                ("PUT", "/push/settings", new { vapidSubject = subject }),
                ("POST", "/push/settings/vapid/rotate", null),
                ("DELETE", "/push/settings/fcm", null), ("DELETE", "/push/settings/apns", null),
            };
            foreach (var (method, path, body) in calls)
            {
                var called = await CallAsync(caller, method, path, body);
                if (called.Status != HttpStatusCode.OK)
                {
                    holes.Add($"{caller.Name} {method} {path}: {(int)called.Status} on its own settings");
                }
            }

            var read = await CallAsync(caller, "GET", "/push/settings", null);
            var shown = PushSecrets.Where(key => read.Body.Contains(_a1.Things[key], StringComparison.Ordinal))
                .ToList();
            if (shown.Count > 0 || !read.Body.Contains(subject, StringComparison.Ordinal))
            {
                holes.Add($"{caller.Name} GET /push/settings: shows A1's {string.Join(", ", shown)} or not its "
                    + $"own; {Shorten(read.Body)}");
            }
        }
    }

    // A transactional push names users by the caller's own ids: A1's user, named by another team, has no
    // subscription there, and nothing is made for A1's devices.
    private async Task ProbePushToAnotherTeamsUserAsync(List<string> holes)
    {
        var theirs = (await _host.WithDbAsync(db => db.PushSubscriptions.IgnoreQueryFilters()
            .Where(s => s.UserId == _a1.Things["pushUser"]).Select(s => s.Id).ToListAsync())).ToHashSet();
        foreach (var caller in new[] { _b, _a2 })
        {
            var prefix = caller.Name.ToLowerInvariant();
            var called = await CallAsync(
                caller, "POST", "/push/transactional", PushCall(prefix, _a1.Things["pushUser"]));
            var answer = called.Status == HttpStatusCode.OK ? JsonDocument.Parse(called.Body).RootElement : default;
            var send = answer.ValueKind == JsonValueKind.Object ? Guid.Parse(answer.Str("sendId")) : Guid.Empty;
            var reached = await _host.WithDbAsync(db => db.OutboundMessages.IgnoreQueryFilters()
                .CountAsync(m => m.SendId == send && m.SubscriptionId != null
                    && theirs.Contains(m.SubscriptionId.Value)));
            if (send == Guid.Empty || answer.GetProperty("messages").GetInt32() != 0
                || answer.GetProperty("usersWithoutSubscription").GetInt32() != 1 || reached > 0)
            {
                holes.Add($"{caller.Name} POST /push/transactional to A1's user: {(int)called.Status}, {reached} "
                    + $"message(s) to A1's devices; {Shorten(called.Body)}");
            }
        }
    }

    // A browser subscribing with A1's site key becomes A1's subscription: A1 lists it, the others neither list nor
    // read it.
    private async Task ProbePublicSubscriptionAsync(List<string> holes)
    {
        var user = $"probe-{Guid.NewGuid():N}";
        var id = await SubscribeBrowserAsync(_a1.Things["pushSiteKey"], user);
        var team = await _host.WithDbAsync(db => db.PushSubscriptions.IgnoreQueryFilters()
            .Where(s => s.Id == Guid.Parse(id)).Select(s => s.TeamId).SingleAsync());
        if (team != Guid.Parse(_a1.Things["team"]))
        {
            holes.Add($"POST /public/push/subscriptions with A1's site key: the subscription is team {team}'s");
        }

        foreach (var caller in new[] { _a1, _b, _a2 })
        {
            var listed = (await CallAsync(caller, "GET", $"/push/subscriptions?userId={user}", null)).Body
                .Contains(id, StringComparison.Ordinal);
            var read = (await CallAsync(caller, "GET", $"/push/subscriptions/{id}", null)).Status;
            if (listed != (caller == _a1) || (read == HttpStatusCode.OK) != (caller == _a1))
            {
                holes.Add($"{caller.Name} GET /push/subscriptions of A1's new browser: listed {listed}, read "
                    + $"{(int)read}");
            }
        }
    }

    private async Task<HttpClient> UserClientAsync(TestAccount account, string? team)
    {
        using var anonymous = _host.CreateClient();
        var login = await (await anonymous.PostJsonAsync("/login",
            new { email = account.AdminEmail, password = account.AdminPassword, teamId = team })).JsonAsync();
        return _host.ClientFor(login.Str("accessToken"), account.CustomerId);
    }

    private async Task<HttpClient> CredentialClientAsync(HttpClient user, string customerId)
    {
        var issued = await (await user.PostJsonAsync("/credentials",
            new { name = "A2 administrator", role = "administrator" })).JsonAsync(HttpStatusCode.Created);
        user.Dispose();
        var token = await _host.AuthenticateAsync(issued.Str("clientId"), issued.Str("secret"), customerId);
        return _host.ClientFor(token, customerId);
    }
}

// A team's things by kind, as the strings that go into paths and bodies.
public sealed class Things : Dictionary<string, string>
{
    // Ids that name nothing anywhere: what a foreign id must be indistinguishable from.
    public static readonly Things Nowhere = Unknown();

    private static Things Unknown()
    {
        var things = new Things
        {
            ["campaignName"] = "no such campaign", ["batchFile"] = "documents.zip",
            ["projectName"] = "no such project", ["videoName"] = "no such video",
        };
        foreach (var key in new[]
        {
            "project", "communication", "template", "folder", "asset", "dataSource", "record", "sender", "dkimKey",
            "campaign", "send", "transactionalSend", "credential", "user", "team", "job", "nluModel", "intent",
            "entity", "category", "unsubscribe", "blacklistedDomain", "whitelistedEmail", "document", "batch",
            "pushSite", "pushSubscription", "pushUser", "pushSend", "pushCommunication",
            "archiveEntry", "archiveHold", "archiveExport", "bot", "conversation", "widget", "attachment", "video",
            "videoCommunication", "videoRender",
        })
        {
            things[key] = Guid.NewGuid().ToString();
        }

        return things;
    }
}

public sealed class CrossAccountProbeOnSqlite() : CrossAccountProbeTests(Provider.Sqlite);

public sealed class CrossAccountProbeOnPostgres() : CrossAccountProbeTests(Provider.Postgres);
