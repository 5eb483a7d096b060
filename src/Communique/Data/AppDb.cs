using System.Linq.Expressions;
using Communique.Accounts;
using Communique.Assets;
using Communique.Auth;
using Communique.Communications;
using Communique.Credentials;
using Communique.DataSources;
using Communique.Jobs;
using Communique.Projects;
using Communique.Templates;
using Communique.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Communique.Data;

public abstract class AppDb(DbContextOptions options) : DbContext(options)
{
    // Pooled: a context outlives the request that rents it, so the request's tenant and clock are attached on rent.
    private TenantContext tenant = new();
    private TimeProvider clock = TimeProvider.System;

    internal AppDb Attach(TenantContext requestTenant, TimeProvider requestClock)
    {
        tenant = requestTenant;
        clock = requestClock;
        _crossingTeams = false;
        return this;
    }

    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<ClientCredential> Credentials => Set<ClientCredential>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<Communication> Communications => Set<Communication>();
    public DbSet<CommunicationVersion> CommunicationVersions => Set<CommunicationVersion>();
    public DbSet<Template> Templates => Set<Template>();
    public DbSet<AssetFolder> AssetFolders => Set<AssetFolder>();
    public DbSet<Asset> Assets => Set<Asset>();
    public DbSet<Assets.Storage.BlobReference> BlobReferences => Set<Assets.Storage.BlobReference>();
    public DbSet<DataSource> DataSources => Set<DataSource>();
    public DbSet<DataRecord> DataRecords => Set<DataRecord>();
    public DbSet<Senders.Sender> Senders => Set<Senders.Sender>();
    public DbSet<Email.Dkim.DkimKey> DkimKeys => Set<Email.Dkim.DkimKey>();
    public DbSet<Campaigns.Campaign> Campaigns => Set<Campaigns.Campaign>();
    public DbSet<Campaigns.CampaignSend> CampaignSends => Set<Campaigns.CampaignSend>();
    public DbSet<Campaigns.OutboundMessage> OutboundMessages => Set<Campaigns.OutboundMessage>();
    public DbSet<Campaigns.IdempotentRequest> IdempotentRequests => Set<Campaigns.IdempotentRequest>();
    public DbSet<Deliverability.Unsubscribe> Unsubscribes => Set<Deliverability.Unsubscribe>();
    public DbSet<Deliverability.UnsubscribeCategory> UnsubscribeCategories => Set<Deliverability.UnsubscribeCategory>();
    public DbSet<Deliverability.BlacklistedDomain> BlacklistedDomains => Set<Deliverability.BlacklistedDomain>();
    public DbSet<Deliverability.WhitelistedEmail> WhitelistedEmails => Set<Deliverability.WhitelistedEmail>();
    public DbSet<Deliverability.HardBounce> HardBounces => Set<Deliverability.HardBounce>();
    public DbSet<Deliverability.MessageEvent> MessageEvents => Set<Deliverability.MessageEvent>();
    public DbSet<Deliverability.WebhookSecret> WebhookSecrets => Set<Deliverability.WebhookSecret>();
    public DbSet<Deliverability.TeamDailyStats> TeamDailyStats => Set<Deliverability.TeamDailyStats>();
    public DbSet<Campaigns.TeamSending> TeamSendings => Set<Campaigns.TeamSending>();
    public DbSet<Campaigns.SendStats> SendStats => Set<Campaigns.SendStats>();
    public DbSet<Nlu.NluModel> NluModels => Set<Nlu.NluModel>();
    public DbSet<Nlu.NluIntent> NluIntents => Set<Nlu.NluIntent>();
    public DbSet<Nlu.NluEntity> NluEntities => Set<Nlu.NluEntity>();
    public DbSet<Nlu.NluModelVersion> NluModelVersions => Set<Nlu.NluModelVersion>();
    public DbSet<Campaigns.SendHourlyStats> SendHourlyStats => Set<Campaigns.SendHourlyStats>();
    public DbSet<Archive.ArchiveEntry> ArchiveEntries => Set<Archive.ArchiveEntry>();
    public DbSet<Archive.ArchiveNode> ArchiveNodes => Set<Archive.ArchiveNode>();
    public DbSet<Archive.ArchiveLog> ArchiveLogs => Set<Archive.ArchiveLog>();
    public DbSet<Archive.ArchiveTreeHead> ArchiveTreeHeads => Set<Archive.ArchiveTreeHead>();
    public DbSet<Archive.ArchiveAccess> ArchiveAccesses => Set<Archive.ArchiveAccess>();
    public DbSet<Archive.ArchiveField> ArchiveFields => Set<Archive.ArchiveField>();
    public DbSet<Archive.ArchivePolicy> ArchivePolicies => Set<Archive.ArchivePolicy>();
    public DbSet<Archive.ArchiveHold> ArchiveHolds => Set<Archive.ArchiveHold>();
    public DbSet<Archive.ArchiveHeldEntry> ArchiveHeldEntries => Set<Archive.ArchiveHeldEntry>();
    public DbSet<Chat.Conversation> Conversations => Set<Chat.Conversation>();
    public DbSet<Chat.ChatMessage> ChatMessages => Set<Chat.ChatMessage>();
    public DbSet<Chat.ChatSettings> ChatSettings => Set<Chat.ChatSettings>();
    public DbSet<Chat.ChatWidget> ChatWidgets => Set<Chat.ChatWidget>();
    public DbSet<Chat.ChatAttachment> ChatAttachments => Set<Chat.ChatAttachment>();
    public DbSet<Chat.Sms.SmsSettings> SmsSettings => Set<Chat.Sms.SmsSettings>();
    public DbSet<Chat.Sms.SmsReceipt> SmsReceipts => Set<Chat.Sms.SmsReceipt>();
    public DbSet<Push.PushSettings> PushSettings => Set<Push.PushSettings>();
    public DbSet<Push.PushSite> PushSites => Set<Push.PushSite>();
    public DbSet<Video.VideoLink> VideoLinks => Set<Video.VideoLink>();
    public DbSet<Video.VideoRender> VideoRenders => Set<Video.VideoRender>();
    public DbSet<Video.VideoEvent> VideoEvents => Set<Video.VideoEvent>();
    public DbSet<Push.PushSubscription> PushSubscriptions => Set<Push.PushSubscription>();
    public DbSet<Push.PushTag> PushTags => Set<Push.PushTag>();
    public DbSet<Push.PushOptOut> PushOptOuts => Set<Push.PushOptOut>();

    private bool _crossingTeams;

    public TenantContext Tenant => tenant;

    // Read by the query filters at execution time; Guid.Empty (no team) matches nothing team-owned.
    private Guid CurrentTeamId => tenant.TeamId;

    private static readonly System.Reflection.PropertyInfo CurrentTeamIdProperty =
        typeof(AppDb).GetProperty(nameof(CurrentTeamId),
            System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var model = modelBuilder;
        model.Entity<Account>(e =>
        {
            e.HasIndex(a => a.CustomerId).IsUnique();
            e.Property(a => a.Name).HasMaxLength(200);
            e.Property(a => a.CustomerId).HasMaxLength(210);
        });
        model.Entity<Team>(e =>
        {
            e.HasIndex(t => new { t.AccountId, t.Name }).IsUnique();
            e.Property(t => t.Name).HasMaxLength(200);
            e.Property(t => t.Region).HasMaxLength(64);
            e.HasOne<Account>().WithMany().HasForeignKey(t => t.AccountId);
        });
        model.Entity<User>(e =>
        {
            e.HasIndex(u => new { u.AccountId, u.Email }).IsUnique();
            e.HasIndex(u => u.Email);
            e.HasOne<Account>().WithMany().HasForeignKey(u => u.AccountId);
            e.Property(u => u.Email).HasMaxLength(320);
            e.Property(u => u.DisplayName).HasMaxLength(200);
            e.Property(u => u.SecurityStamp).HasMaxLength(64);
        });
        model.Entity<Membership>(e =>
        {
            e.HasIndex(m => new { m.TeamId, m.UserId }).IsUnique();
            e.HasIndex(m => m.UserId);
            e.Property(m => m.Role).HasConversion<string>().HasMaxLength(32);
            e.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId);
            e.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId);
        });
        model.Entity<ClientCredential>(e =>
        {
            e.HasIndex(c => c.ClientId).IsUnique();
            e.HasIndex(c => c.TeamId);
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.ClientId).HasMaxLength(64);
            e.Property(c => c.Role).HasConversion<string>().HasMaxLength(32);
            e.Property(c => c.CreatedBy).HasMaxLength(64);
            e.Property(c => c.Stamp).HasMaxLength(64);
            e.HasOne<Team>().WithMany().HasForeignKey(c => c.TeamId);
        });
        model.Entity<SigningKey>(e =>
        {
            e.Property(k => k.Id).HasMaxLength(64);
            e.Property(k => k.Algorithm).HasMaxLength(16);
        });
        model.Entity<Job>(e =>
        {
            e.Property(j => j.Kind).HasMaxLength(100);
            e.Property(j => j.State).HasConversion<string>().HasMaxLength(16);
            e.Property(j => j.LeaseToken).HasMaxLength(100);
            e.HasIndex(j => new { j.State, j.RunAfter });
            e.HasIndex(j => new { j.TeamId, j.CreatedAt });
            e.Property(j => j.Key).HasMaxLength(200);
            e.HasIndex(j => j.Key).IsUnique().HasFilter("\"State\" = 'Queued'").HasDatabaseName("IX_Jobs_Key_Queued");
            e.HasIndex(j => new { j.Key, j.State });
        });

        model.Entity<Project>(e =>
        {
            e.HasIndex(p => new { p.TeamId, p.Name }).IsUnique();
            e.Property(p => p.Name).HasMaxLength(200);
            e.Property(p => p.Description).HasMaxLength(2000);
        });
        model.Entity<Communication>(e =>
        {
            e.HasIndex(c => new { c.ProjectId, c.Name }).IsUnique();
            e.HasIndex(c => c.TeamId);
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Channel).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.Version).IsConcurrencyToken();
            e.HasOne<Project>().WithMany().HasForeignKey(c => c.ProjectId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<CommunicationVersion>(e =>
        {
            e.HasIndex(v => new { v.CommunicationId, v.Number }).IsUnique();
            e.Property(v => v.Name).HasMaxLength(200);
            e.Property(v => v.Author).HasMaxLength(100);
            e.Property(v => v.Change).HasMaxLength(32);
            e.HasOne<Communication>().WithMany().HasForeignKey(v => v.CommunicationId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Template>(e =>
        {
            e.HasIndex(t => new { t.TeamId, t.Channel, t.Name }).IsUnique();
            e.Property(t => t.Name).HasMaxLength(200);
            e.Property(t => t.Channel).HasConversion<string>().HasMaxLength(16);
            e.Property(t => t.Version).IsConcurrencyToken();
        });

        model.Entity<AssetFolder>(e =>
        {
            e.HasIndex(f => new { f.TeamId, f.ParentId, f.Name }).IsUnique();
            e.Property(f => f.Name).HasMaxLength(200);
        });
        model.Entity<Asset>(e =>
        {
            e.HasIndex(a => new { a.TeamId, a.FolderId, a.Name }).IsUnique();
            e.HasIndex(a => a.Hash);
            e.Property(a => a.Name).HasMaxLength(200);
            e.Property(a => a.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(a => a.ContentType).HasMaxLength(100);
            e.Property(a => a.Hash).HasMaxLength(64);
        });
        model.Entity<Assets.Storage.BlobReference>(e =>
        {
            e.HasKey(r => new { r.Hash, r.Holder, r.HolderId });
            e.HasIndex(r => r.HolderId);
            e.Property(r => r.Hash).HasMaxLength(64);
            e.Property(r => r.Holder).HasConversion<string>().HasMaxLength(32);
        });

        model.Entity<DataSource>(e =>
        {
            e.HasIndex(d => new { d.TeamId, d.Name }).IsUnique();
            e.Property(d => d.Name).HasMaxLength(200);
            e.Property(d => d.Format).HasConversion<string>().HasMaxLength(8);
            e.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(d => d.Locale).HasMaxLength(32);
            e.Property(d => d.UniqueField).HasMaxLength(256);
            e.Ignore(d => d.ImportAlive);
        });
        model.Entity<Senders.Sender>(e =>
        {
            e.HasIndex(x => new { x.TeamId, x.Address }).IsUnique();
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.Property(x => x.Address).HasMaxLength(320);
            e.Property(x => x.TokenHash).HasMaxLength(32);
        });
        model.Entity<Email.Dkim.DkimKey>(e =>
        {
            e.HasIndex(k => new { k.TeamId, k.Domain, k.Selector }).IsUnique();
            e.Property(k => k.Domain).HasMaxLength(253);
            e.Property(k => k.Selector).HasMaxLength(63);
            e.Property(k => k.Algorithm).HasConversion<string>().HasMaxLength(16);
            e.Property(k => k.PublicKey).HasMaxLength(1024);
        });
        model.Entity<Campaigns.Campaign>(e =>
        {
            e.HasIndex(c => new { c.ProjectId, c.Name }).IsUnique();
            e.HasIndex(c => c.TeamId);
            e.Property(c => c.Name).HasMaxLength(200);
            e.HasOne<Project>().WithMany().HasForeignKey(c => c.ProjectId).OnDelete(DeleteBehavior.Restrict);
        });
        model.Entity<Campaigns.CampaignSend>(e =>
        {
            e.HasIndex(s => s.CampaignId);
            e.HasIndex(s => new { s.CommunicationId, s.State });
            e.HasIndex(s => new { s.DataSourceId, s.State });
            e.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
            e.Property(s => s.Channel).HasConversion<string>().HasMaxLength(16);
            e.Property(s => s.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(s => s.AddressField).HasMaxLength(200);
            e.Property(s => s.SenderAddress).HasMaxLength(320);
            e.Property(s => s.SenderName).HasMaxLength(200);
            e.Property(s => s.ReplyTo).HasMaxLength(320);
            e.Property(s => s.SubjectOverride).HasMaxLength(1000);
            e.HasOne<Campaigns.Campaign>().WithMany().HasForeignKey(s => s.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Campaigns.OutboundMessage>(e =>
        {
            // The delivery order: a send's queued messages by due time, then position; read a batch at a time.
            e.HasIndex(m => new { m.SendId, m.State, m.NextAttemptAt, m.Position });
            e.HasIndex(m => new { m.SendId, m.Position });
            // A team's transactional messages by state and due time: the ones to deliver next across all its calls.
            e.HasIndex(m => new { m.TeamId, m.State, m.NextAttemptAt }).HasFilter("\"Kind\" = 'Transactional'")
                .HasDatabaseName("IX_OutboundMessages_Transactional");
            // Provider reports name the message by its Message-ID header. The team comes second: an index led by the
            // team is what SQLite chose for every query of one send's messages (the team's filter is an equality too),
            // reading all the team's messages each time instead of the send's (a transactional call's send did four
            // such reads, its cost growing with the team's history).
            e.HasIndex(m => new { m.MessageIdHeader, m.TeamId });
            e.Property(m => m.State).HasConversion<string>().HasMaxLength(16);
            e.Property(m => m.Channel).HasConversion<string>().HasMaxLength(16);
            e.Property(m => m.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(m => m.Address).HasMaxLength(320);
            e.Property(m => m.SuppressionReason).HasMaxLength(64);
            e.Property(m => m.MessageIdHeader).HasMaxLength(200);
            e.Property(m => m.LastReply).HasMaxLength(1000);
            e.Property(m => m.Bounce).HasMaxLength(8);
            e.Property(m => m.BounceDetail).HasMaxLength(1000);
            e.HasOne<Campaigns.CampaignSend>().WithMany().HasForeignKey(m => m.SendId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Deliverability.Unsubscribe>(e =>
        {
            // Not unique: NULL (every category) is distinct from itself in a unique index on both providers; the API
            // keeps one row per (team, address, category).
            e.HasIndex(u => new { u.TeamId, u.Address, u.Category });
            e.Property(u => u.Address).HasMaxLength(320);
            e.Property(u => u.Category).HasMaxLength(200);
            e.Property(u => u.Reason).HasConversion<string>().HasMaxLength(16);
            e.HasOne<Team>().WithMany().HasForeignKey(u => u.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Deliverability.UnsubscribeCategory>(e =>
        {
            e.HasIndex(c => new { c.TeamId, c.Name }).IsUnique();
            e.Property(c => c.Name).HasMaxLength(200);
            e.Property(c => c.Description).HasMaxLength(500);
            e.HasOne<Team>().WithMany().HasForeignKey(c => c.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Deliverability.BlacklistedDomain>(e =>
        {
            e.HasIndex(b => new { b.TeamId, b.Domain }).IsUnique();
            e.Property(b => b.Domain).HasMaxLength(253);
            e.HasOne<Team>().WithMany().HasForeignKey(b => b.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Deliverability.WhitelistedEmail>(e =>
        {
            e.HasIndex(w => new { w.TeamId, w.Address }).IsUnique();
            e.Property(w => w.Address).HasMaxLength(320);
            e.HasOne<Team>().WithMany().HasForeignKey(w => w.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Deliverability.WebhookSecret>(e =>
        {
            e.HasKey(w => w.TeamId);
            e.HasOne<Team>().WithMany().HasForeignKey(w => w.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Deliverability.TeamDailyStats>(e =>
        {
            e.HasKey(d => new { d.TeamId, d.Day });
            e.HasOne<Team>().WithMany().HasForeignKey(d => d.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Campaigns.TeamSending>(e =>
        {
            e.HasKey(t => t.TeamId);
            e.Property(t => t.State).HasConversion<string>().HasMaxLength(16);
            e.HasOne<Team>().WithMany().HasForeignKey(t => t.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Campaigns.SendStats>(e =>
        {
            e.HasKey(x => x.SendId);
            e.HasOne<Campaigns.CampaignSend>().WithMany().HasForeignKey(x => x.SendId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Campaigns.SendHourlyStats>(e =>
        {
            e.HasKey(x => new { x.SendId, x.Hour });
            e.HasOne<Campaigns.CampaignSend>().WithMany().HasForeignKey(x => x.SendId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Nlu.NluModel>(e =>
        {
            e.HasIndex(m => new { m.TeamId, m.Name }).IsUnique();
            e.Property(m => m.Name).HasMaxLength(200);
            e.Property(m => m.Language).HasMaxLength(35);
            e.Property(m => m.BuiltIns).HasMaxLength(200);
            e.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Nlu.NluIntent>(e =>
        {
            e.HasIndex(i => new { i.ModelId, i.Name }).IsUnique();
            e.Property(i => i.Name).HasMaxLength(200);
            e.HasOne<Nlu.NluModel>().WithMany().HasForeignKey(i => i.ModelId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Nlu.NluEntity>(e =>
        {
            e.HasIndex(i => new { i.ModelId, i.Name }).IsUnique();
            e.Property(i => i.Name).HasMaxLength(100);
            e.Property(i => i.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(i => i.Pattern).HasMaxLength(1000);
            e.HasOne<Nlu.NluModel>().WithMany().HasForeignKey(i => i.ModelId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Nlu.NluModelVersion>(e =>
        {
            e.HasIndex(v => new { v.ModelId, v.Number }).IsUnique();
            e.Property(v => v.State).HasConversion<string>().HasMaxLength(16);
            e.Property(v => v.DataHash).HasMaxLength(64);
            e.Property(v => v.ArtifactHash).HasMaxLength(64);
            e.Property(v => v.Error).HasMaxLength(2000);
            e.HasOne<Nlu.NluModel>().WithMany().HasForeignKey(v => v.ModelId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Deliverability.HardBounce>(e =>
        {
            e.HasKey(h => h.Address);
            e.Property(h => h.Address).HasMaxLength(320);
            e.Property(h => h.Detail).HasMaxLength(1000);
        });
        model.Entity<Deliverability.MessageEvent>(e =>
        {
            e.HasIndex(v => new { v.MessageId, v.Kind });
            e.HasIndex(v => new { v.SendId, v.Kind, v.At });
            e.Property(v => v.Kind).HasConversion<string>().HasMaxLength(16);
            e.Property(v => v.Device).HasConversion<string>().HasMaxLength(16);
            e.Property(v => v.Url).HasMaxLength(2048);
            e.Property(v => v.Detail).HasMaxLength(1000);
        });
        model.Entity<Campaigns.IdempotentRequest>(e =>
        {
            e.HasIndex(r => new { r.TeamId, r.Key }).IsUnique();
            e.Property(r => r.Key).HasMaxLength(255);
            e.Property(r => r.RequestHash).HasMaxLength(32);
        });
        model.Entity<DataRecord>(e =>
        {
            // The position key is the table's own order: no surrogate id and no second index for paging.
            e.HasKey(r => new { r.DataSourceId, r.Generation, r.Position });
            // Uuids are unique across sources (a replacement keeps a record's uuid in the next generation of the same
            // source), so the uuid alone finds a record; a narrower index is a cheaper write for every imported row.
            e.HasIndex(r => r.Uuid);
            e.HasOne<DataSource>().WithMany().HasForeignKey(r => r.DataSourceId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<Archive.ArchiveEntry>(e =>
        {
            // A team's leaves are numbered once: a second entry for a leaf is refused by the database.
            e.HasIndex(a => new { a.TeamId, a.LeafIndex }).IsUnique();
            // A team's entries newest first, and a time range, which is a range of ids (ArchiveSearch).
            e.HasIndex(a => new { a.TeamId, a.Id });
            e.HasIndex(a => new { a.TeamId, a.Recipient });
            e.HasIndex(a => new { a.TeamId, a.SendId });
            e.HasIndex(a => new { a.TeamId, a.CommunicationId });
            e.HasIndex(a => new { a.TeamId, a.CampaignId });
            e.HasIndex(a => new { a.TeamId, a.RecordUuid });
            // The purge's candidates: content whose retention has passed.
            e.HasIndex(a => new { a.RetainUntil, a.PurgedAt });
            e.HasIndex(a => a.TextKey).IsUnique();
            e.Property(a => a.Channel).HasConversion<string>().HasMaxLength(16);
            e.Property(a => a.Recipient).HasMaxLength(320);
            e.Property(a => a.ContentType).HasMaxLength(128);
            e.Property(a => a.Sha256).HasMaxLength(64);
            e.Property(a => a.BlobHash).HasMaxLength(64);
            e.Property(a => a.DictionaryHash).HasMaxLength(64);
            e.Property(a => a.Metadata).HasMaxLength(Archive.ArchiveMetadata.MaxChars);
            e.HasOne<Team>().WithMany().HasForeignKey(a => a.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Archive.ArchiveNode>(e =>
        {
            e.HasKey(n => new { n.TeamId, n.Level, n.Index });
            e.HasOne<Team>().WithMany().HasForeignKey(n => n.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Archive.ArchiveAccess>(e =>
        {
            e.HasIndex(a => new { a.TeamId, a.EntryId });
            e.Property(a => a.CallerKind).HasConversion<string>().HasMaxLength(16);
            e.Property(a => a.Action).HasMaxLength(32);
            e.Property(a => a.Query).HasMaxLength(1000);
            e.HasOne<Team>().WithMany().HasForeignKey(a => a.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Archive.ArchiveField>(e =>
        {
            e.HasKey(f => new { f.TeamId, f.Name, f.Value, f.EntryId });
            e.HasIndex(f => f.EntryId);
            e.Property(f => f.Name).HasMaxLength(Archive.ArchiveMetadata.MaxNameChars);
            e.Property(f => f.Value).HasMaxLength(Archive.ArchiveMetadata.MaxValueChars);
            e.HasOne<Archive.ArchiveEntry>().WithMany().HasForeignKey(f => f.EntryId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Archive.ArchivePolicy>(e =>
        {
            e.HasKey(p => new { p.TeamId, p.Scope });
            e.Property(p => p.Scope).HasMaxLength(16);
            e.HasOne<Team>().WithMany().HasForeignKey(p => p.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Archive.ArchiveHold>(e =>
        {
            e.HasIndex(h => new { h.TeamId, h.ReleasedAt });
            e.Property(h => h.Reason).HasMaxLength(1000);
            e.Property(h => h.Search).HasMaxLength(2000);
            e.HasOne<Team>().WithMany().HasForeignKey(h => h.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Archive.ArchiveHeldEntry>(e =>
        {
            e.HasKey(h => new { h.HoldId, h.EntryId });
            e.HasIndex(h => new { h.TeamId, h.EntryId });
            e.HasOne<Archive.ArchiveHold>().WithMany().HasForeignKey(h => h.HoldId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Archive.ArchiveTreeHead>(e =>
        {
            e.HasKey(h => new { h.TeamId, h.Size });
            e.Property(h => h.KeyId).HasMaxLength(64);
            e.HasOne<Team>().WithMany().HasForeignKey(h => h.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Archive.ArchiveLog>(e =>
        {
            e.HasKey(l => l.TeamId);
            // Two appends that read one size: the second one's save finds the row changed and is retried.
            e.Property(l => l.Size).IsConcurrencyToken();
            e.HasOne<Team>().WithMany().HasForeignKey(l => l.TeamId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<Push.PushSettings>(e =>
        {
            e.HasKey(s => s.TeamId);
            e.Property(s => s.VapidPublicKey).HasMaxLength(100);
            e.Property(s => s.VapidSubject).HasMaxLength(320);
            e.Property(s => s.FcmProjectId).HasMaxLength(100);
            e.Property(s => s.FcmClientEmail).HasMaxLength(320);
            e.Property(s => s.ApnsTeamId).HasMaxLength(10);
            e.Property(s => s.ApnsKeyId).HasMaxLength(10);
            e.Property(s => s.ApnsBundleId).HasMaxLength(200);
            e.HasOne<Team>().WithMany().HasForeignKey(s => s.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Push.PushSite>(e =>
        {
            e.HasIndex(s => s.Key).IsUnique();
            e.HasIndex(s => s.TeamId);
            e.Property(s => s.Key).HasMaxLength(32);
            e.Property(s => s.Name).HasMaxLength(200);
            e.Property(s => s.AllowedOrigins).HasMaxLength(2000);
            e.HasOne<Team>().WithMany().HasForeignKey(s => s.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Push.PushSubscription>(e =>
        {
            // A browser subscribes again with the same endpoint: the row is found and updated.
            e.HasIndex(s => new { s.TeamId, s.Endpoint }).IsUnique();
            e.HasIndex(s => new { s.TeamId, s.UserId });
            // A team's subscriptions in the order of their ids: an audience of all of them is read a page at a time.
            e.HasIndex(s => new { s.TeamId, s.Id });
            e.Property(s => s.Platform).HasConversion<string>().HasMaxLength(8);
            e.Property(s => s.Endpoint).HasMaxLength(Push.PushSubscription.MaxEndpointLength);
            e.Property(s => s.P256dh).HasMaxLength(100);
            e.Property(s => s.Auth).HasMaxLength(40);
            e.Property(s => s.UserId).HasMaxLength(Push.PushSubscription.MaxUserIdLength);
            e.HasOne<Team>().WithMany().HasForeignKey(s => s.TeamId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Push.PushSite>().WithMany().HasForeignKey(s => s.SiteId).OnDelete(DeleteBehavior.SetNull);
        });
        model.Entity<Push.PushTag>(e =>
        {
            e.HasKey(a => new { a.TeamId, a.Name, a.Value, a.SubscriptionId });
            e.HasIndex(a => a.SubscriptionId);
            e.Property(a => a.Name).HasMaxLength(Push.PushTag.MaxNameLength);
            e.Property(a => a.Value).HasMaxLength(Push.PushTag.MaxValueLength);
            e.HasOne<Push.PushSubscription>().WithMany().HasForeignKey(a => a.SubscriptionId)
                .OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Push.PushOptOut>(e =>
        {
            e.HasKey(o => new { o.TeamId, o.UserId });
            e.Property(o => o.UserId).HasMaxLength(Push.PushSubscription.MaxUserIdLength);
            e.HasOne<Team>().WithMany().HasForeignKey(o => o.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Video.VideoLink>(e =>
        {
            e.HasIndex(l => l.Key).IsUnique();
            e.HasIndex(l => new { l.TeamId, l.CommunicationId }).IsUnique();
            e.Property(l => l.Key).HasMaxLength(32);
            e.HasOne<Communications.Communication>().WithMany().HasForeignKey(l => l.CommunicationId)
                .OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Video.VideoRender>(e =>
        {
            e.HasIndex(r => new { r.TeamId, r.CacheKey }).IsUnique();
            e.HasIndex(r => new { r.TeamId, r.CommunicationId, r.RecordUuid });
            e.Property(r => r.CacheKey).HasMaxLength(64);
            e.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.VideoHash).HasMaxLength(64);
            e.Property(r => r.PosterHash).HasMaxLength(64);
            e.Property(r => r.Error).HasMaxLength(2000);
            e.HasOne<Communications.Communication>().WithMany().HasForeignKey(r => r.CommunicationId)
                .OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Video.VideoEvent>(e =>
        {
            // A communication's events in time order (ids are version 7), and one viewer's.
            e.HasIndex(v => new { v.TeamId, v.CommunicationId, v.Id });
            e.HasIndex(v => new { v.TeamId, v.CommunicationId, v.RecordUuid });
            e.Property(v => v.Kind).HasMaxLength(16);
            e.HasOne<Communications.Communication>().WithMany().HasForeignKey(v => v.CommunicationId)
                .OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Chat.Conversation>(e =>
        {
            // Agents' lists: a team's conversations in a state, newest first, by bot or agent.
            e.HasIndex(c => new { c.TeamId, c.State, c.LastActivityAt });
            e.HasIndex(c => new { c.TeamId, c.BotId, c.CreatedAt });
            e.HasIndex(c => new { c.TeamId, c.AgentId });
            // An inbound SMS finds its sender's open conversation.
            e.HasIndex(c => new { c.TeamId, c.Channel, c.ExternalUserId });
            // The sweep that ends conversations left silent.
            e.HasIndex(c => new { c.State, c.LastActivityAt });
            e.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
            e.Property(c => c.Channel).HasMaxLength(16);
            e.Property(c => c.Position).HasMaxLength(64);
            e.Property(c => c.ExternalUserId).HasMaxLength(200);
            e.Property(c => c.EndReason).HasMaxLength(32);
            e.Property(c => c.Turn).IsConcurrencyToken();
            e.HasOne<Team>().WithMany().HasForeignKey(c => c.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Chat.ChatSettings>(e =>
        {
            e.HasKey(s => s.TeamId);
            e.Property(s => s.AllowedNetworks).HasMaxLength(1000);
            e.HasOne<Team>().WithMany().HasForeignKey(s => s.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Chat.ChatWidget>(e =>
        {
            e.HasIndex(w => w.Key).IsUnique();
            e.HasIndex(w => new { w.TeamId, w.BotId });
            e.Property(w => w.Key).HasMaxLength(32);
            e.Property(w => w.Title).HasMaxLength(100);
            e.Property(w => w.Colour).HasMaxLength(7);
            e.Property(w => w.AvatarUrl).HasMaxLength(2000);
            e.Property(w => w.AllowedOrigins).HasMaxLength(2000);
            e.HasOne<Communication>().WithMany().HasForeignKey(w => w.BotId)
                .OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Chat.Sms.SmsSettings>(e =>
        {
            e.HasKey(s => s.TeamId);
            e.HasIndex(s => s.WebhookKey).IsUnique();
            e.Property(s => s.AccountSid).HasMaxLength(64);
            e.Property(s => s.AuthTokenEnding).HasMaxLength(4);
            e.Property(s => s.From).HasMaxLength(16);
            e.Property(s => s.WebhookKey).HasMaxLength(64);
            e.HasOne<Team>().WithMany().HasForeignKey(s => s.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Chat.Sms.SmsReceipt>(e =>
        {
            e.HasKey(r => new { r.TeamId, r.MessageSid });
            e.Property(r => r.MessageSid).HasMaxLength(64);
            e.HasOne<Team>().WithMany().HasForeignKey(r => r.TeamId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Chat.ChatAttachment>(e =>
        {
            e.HasIndex(a => new { a.Released, a.ExpiresAt });
            e.Property(a => a.Name).HasMaxLength(200);
            e.Property(a => a.ContentType).HasMaxLength(128);
            e.Property(a => a.BlobHash).HasMaxLength(64);
            e.HasOne<Chat.Conversation>().WithMany().HasForeignKey(a => a.ConversationId)
                .OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<Chat.ChatMessage>(e =>
        {
            e.HasIndex(m => new { m.ConversationId, m.Sequence }).IsUnique();
            e.Property(m => m.Sender).HasConversion<string>().HasMaxLength(16);
            e.HasOne<Chat.Conversation>().WithMany().HasForeignKey(m => m.ConversationId)
                .OnDelete(DeleteBehavior.Cascade);
        });

        foreach (var type in model.Model.GetEntityTypes().Where(t => typeof(ITeamOwned).IsAssignableFrom(t.ClrType)))
        {
            model.Entity(type.ClrType).HasQueryFilter(TeamFilter(type.ClrType));
        }
    }

    private LambdaExpression TeamFilter(Type entity)
    {
        var e = Expression.Parameter(entity, "e");
        var owner = Expression.Property(e, nameof(ITeamOwned.TeamId));
        var current = Expression.Property(Expression.Constant(this, typeof(AppDb)), CurrentTeamIdProperty);
        return Expression.Lambda(Expression.Equal(owner, current), e);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess,
        CancellationToken cancellationToken = default)
    {
        StampTeams();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampTeams();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    // For the rare write that deliberately touches another team (creating a team with its first members).
    public async Task<int> SaveChangesAcrossTeamsAsync(CancellationToken cancellationToken)
    {
        _crossingTeams = true;
        try
        {
            return await SaveChangesAsync(cancellationToken);
        }
        finally
        {
            _crossingTeams = false;
        }
    }

    private void StampTeams()
    {
        foreach (var entry in ChangeTracker.Entries<ITeamOwned>())
        {
            if (entry.State == EntityState.Added && entry.Entity.TeamId == Guid.Empty && tenant.HasTeam)
            {
                entry.Entity.TeamId = tenant.TeamId;
            }
            else if (entry.State is EntityState.Added or EntityState.Modified
                     && tenant.HasTeam && !_crossingTeams && entry.Entity.TeamId != tenant.TeamId)
            {
                throw new InvalidOperationException(
                    $"A {entry.Metadata.ClrType.Name} of another team cannot be written from this scope.");
            }
        }

    }

    public DateTime Now => clock.GetUtcNow().UtcDateTime;
}
