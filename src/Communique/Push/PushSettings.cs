using Communique.Tenancy;

namespace Communique.Push;

// A team's push credentials. The VAPID key pair (RFC 8292) identifies the team to browsers' push services: its
// public half is what a site's pages subscribe with, and rotating it makes every subscription made with the old key
// useless (a push service refuses messages signed by another key), so rotation is an explicit act. FCM's service
// account and APNs' signing key are optional, one of each per team. Private keys are sealed under the master key and
// never shown.
public sealed class PushSettings : ITeamOwned
{
    public Guid TeamId { get; set; }
    public required string VapidPublicKey { get; set; }
    public required byte[] SealedVapidPrivateKey { get; set; }

    // The contact push services see in each JWT's "sub": a mailto: or https: URI.
    public required string VapidSubject { get; set; }
    public DateTime VapidCreatedAt { get; set; }

    public string? FcmProjectId { get; set; }
    public string? FcmClientEmail { get; set; }
    public byte[]? SealedFcmAccount { get; set; }
    public DateTime? FcmUpdatedAt { get; set; }

    public string? ApnsTeamId { get; set; }
    public string? ApnsKeyId { get; set; }
    public string? ApnsBundleId { get; set; }
    public bool ApnsProduction { get; set; }
    public byte[]? SealedApnsKey { get; set; }
    public DateTime? ApnsUpdatedAt { get; set; }
}
