using System.Security.Cryptography;
using CorePortal.Data;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Notifications;

/// <summary>
/// Sends what is due in the outbox, one message at a time, recording each attempt. A failure is retried with
/// a doubling back-off; after MaxAttempts the message is marked Failed for staff to see.
/// </summary>
public sealed class OutboxDelivery(IDbContextFactory<CoreDbContext> dbFactory, MailSender mail, IPushSender push,
    TimeProvider clock, ILogger<OutboxDelivery> log, PortalMetrics metrics)
{
    public const int MaxAttempts = 8;
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromDays(14);
    /// <summary>How long a claimed message stays with its worker before another may retry it (if the first one died mid-send).</summary>
    public static readonly TimeSpan ClaimLifetime = TimeSpan.FromMinutes(5);

    public static TimeSpan BackOff(int attempts) => TimeSpan.FromSeconds(Math.Min(30 * Math.Pow(2, attempts - 1), 3600));

    /// <summary>Delivers every message due now; returns how many were sent.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.Outbox.Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAtUtc <= now)
            .OrderBy(m => m.Id).Take(50).ToListAsync(ct);
        var sent = 0;
        foreach (var message in due)
        {
            // Claim it first, so a second worker (another app instance) skips it rather than sending it twice.
            if (!await ClaimAsync(db, message, now, ct)) continue;
            if (await DeliverAsync(db, message, ct)) sent++;
            await SaveAsync(db, ct);
        }
        // One indexed count per round, so the backlog gauge never makes a scrape touch the database.
        metrics.OutboxPendingSeen(await db.Outbox.CountAsync(m => m.Status == OutboxStatus.Pending, ct));
        return sent;
    }

    // Each write here is its own short transaction through the write door: the mail or push between them is slow and
    // must not keep other writers waiting. The claim is one conditional UPDATE, so it holds with workers on several servers
    // and no queue: on PostgreSQL (READ COMMITTED) a second claim of the row waits for the first to commit, then checks its
    // WHERE again against the row as committed, finds NextAttemptAtUtc moved on, and updates nothing.
    private static async Task<bool> ClaimAsync(CoreDbContext db, OutboxMessage message, DateTime now, CancellationToken ct)
    {
        await using var tx = await db.BeginWriteAsync(ct);
        var claimed = await db.Outbox
            .Where(m => m.Id == message.Id && m.Status == OutboxStatus.Pending && m.NextAttemptAtUtc == message.NextAttemptAtUtc)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAtUtc, now + ClaimLifetime), ct);
        await tx.CommitAsync(ct);
        return claimed > 0;
    }

    private static async Task SaveAsync(CoreDbContext db, CancellationToken ct)
    {
        await using var tx = await db.BeginWriteAsync(ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private async Task<bool> DeliverAsync(CoreDbContext db, OutboxMessage message, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        message.Attempts++;
        try
        {
            if (message.Channel == OutboxChannel.Push)
                await push.SendAsync(message.ClientId, message.Body, message.PurchaseShareId, ct);
            else
            {
                var body = message.Body;
                if (message.PurchaseShareId is { } shareId)
                {
                    if (await InvitationLinkAsync(db, shareId, now, ct) is not { } link)
                    {
                        message.Status = OutboxStatus.Cancelled;
                        message.LastError = "The invitation was answered or withdrawn before it was sent.";
                        return false;
                    }
                    body += $"\n\nAccept or decline: {link}\n";
                }
                else if (message.MemberLoginId is { } loginId)
                {
                    if (await ActivationLinkAsync(db, loginId, now, ct) is not { } link)
                    {
                        message.Status = OutboxStatus.Cancelled;
                        message.LastError = "The app login was activated or disabled before the invitation was sent.";
                        return false;
                    }
                    body += $"\n\nChoose your password (the link works once, for {TokenLifetime.TotalDays:0} days): {link}\n";
                }
                await mail.SendAsync(message.Recipient, message.Subject, body, ct);
            }
            message.Status = OutboxStatus.Sent;
            message.SentAtUtc = now;
            message.LastError = null;
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (ex is SmtpTlsRequiredException) log.LogError("Outbox message {Id} held (attempt {Attempts}): {Reason}", message.Id, message.Attempts, ex.Message);
            else log.LogWarning(ex, "Outbox message {Id} failed (attempt {Attempts})", message.Id, message.Attempts);
            metrics.OutboxAttemptFailed();
            message.LastError = ex.Message.Length > 1000 ? ex.Message[..1000] : ex.Message;
            message.NextAttemptAtUtc = now + BackOff(message.Attempts);
            if (message.Attempts >= MaxAttempts) message.Status = OutboxStatus.Failed;
            return false;
        }
    }

    // Tokens are made when the mail leaves, so the database only ever holds their hash.
    private async Task<string?> InvitationLinkAsync(CoreDbContext db, int shareId, DateTime now, CancellationToken ct)
    {
        // One conditional UPDATE: an answer or a removal committing now (on any server) either went first, and the share is no
        // longer pending here, or comes after and clears this token with the status it sets.
        var token = NewToken();
        var hash = HashToken(token);
        DateTime? expires = now + TokenLifetime;
        await using var tx = await db.BeginWriteAsync(ct);
        var set = await db.PurchaseShares.Where(s => s.Id == shareId && s.Status == ShareStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.TokenHash, hash).SetProperty(x => x.TokenExpiresAtUtc, expires), ct);
        await tx.CommitAsync(ct);
        return set == 0 ? null : $"{mail.PublicBaseUrl}/invitations/{token}";
    }

    // A newer invitation replaces the link of an older one: only the last mail's link works.
    private async Task<string?> ActivationLinkAsync(CoreDbContext db, string loginId, DateTime now, CancellationToken ct)
    {
        // One conditional UPDATE, as for invitations: the login may be activating or disabled now, on any server.
        var token = NewToken();
        var hash = HashToken(token);
        DateTime? expires = now + TokenLifetime;
        await using var tx = await db.BeginWriteAsync(ct);
        var set = await db.Users.Where(u => u.Id == loginId && u.PasswordHash == null && !u.IsDisabled)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ActivationTokenHash, hash).SetProperty(x => x.ActivationExpiresAtUtc, expires), ct);
        await tx.CommitAsync(ct);
        return set == 0 ? null : $"{mail.PublicBaseUrl}/app/activate/{token}";
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string HashToken(string token) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
