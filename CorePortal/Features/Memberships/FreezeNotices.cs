using System.Globalization;
using CorePortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Memberships;

/// <summary>
/// What members hear about freezes: the answer to their request, and a notice when a freeze starts and when it ends, each
/// as an in-app notification and an email (through the outbox), written in the same transaction as what they announce.
/// </summary>
public static class FreezeNotices
{
    /// <summary>How far back an ended freeze still gets its end notice, should the daily job have missed days.</summary>
    public const int CatchUpDays = 7;

    /// <summary>A freeze's days in words: "7 Dec 2026 to 20 Dec 2026", or "from 7 Dec 2026 until unfrozen".</summary>
    public static string Dates(DateOnly startsOn, DateOnly? endsOn) =>
        endsOn is { } end ? $"{Day(startsOn)} to {Day(end)}" : $"from {Day(startsOn)} until unfrozen";

    // A notice's text is its own marker (no column holds "sent"): it names the freeze by id and only what never changes once
    // the freeze is active (the purchase's name and the first day; an early unfreeze moves the last day), so the same notice
    // is found again and never sent twice.
    public static string StartText(int freezeId, string purchaseName, DateOnly startsOn) =>
        $"{purchaseName} is frozen from {Day(startsOn)}: no bookings on frozen days (freeze no. {freezeId.ToString(CultureInfo.InvariantCulture)}).";

    public static string EndText(int freezeId, string purchaseName) =>
        $"The freeze of {purchaseName} has ended: you can book with it again (freeze no. {freezeId.ToString(CultureInfo.InvariantCulture)}).";

    /// <summary>
    /// Sends the start notices of active freezes that started by <paramref name="today"/> and still run, and the end notices of
    /// those whose last day is before it (up to <see cref="CatchUpDays"/> back), each once: a notice whose notification exists
    /// is not sent again. Opens one write transaction per notice (call it outside one); returns how many it sent. The
    /// membership job calls it daily and pokes the outbox after.
    /// </summary>
    public static async Task<int> SendDueAsync(CoreDbContext db, DateOnly today, DateTime nowUtc, CancellationToken ct)
    {
        var oldest = today.AddDays(-CatchUpDays);
        var running = await db.Freezes.AsNoTracking()
            .Where(f => f.Status == FreezeStatus.Active && f.StartsOn <= today && (f.EndsOn == null || f.EndsOn >= oldest))
            .Select(f => new { f.Id, f.PurchaseId, f.StartsOn, f.EndsOn, f.Purchase!.Name, f.Purchase.OwnerClientId })
            .ToListAsync(ct);
        var due = running.Select(f => (f.PurchaseId, ClientId: f.OwnerClientId, Subject: $"Your {f.Name} freeze",
            Text: f.EndsOn < today ? EndText(f.Id, f.Name) : StartText(f.Id, f.Name, f.StartsOn))).ToList();
        var texts = due.Select(d => d.Text).ToList();
        var sent = (await db.Notifications.AsNoTracking().Where(n => texts.Contains(n.Text)).Select(n => new { n.ClientId, n.Text }).ToListAsync(ct))
            .Select(n => (n.ClientId, n.Text)).ToHashSet();
        var count = 0;
        foreach (var notice in due.Where(d => !sent.Contains((d.ClientId, d.Text))))
        {
            await using var tx = await db.BeginWriteAsync(ct);
            await tx.LockAsync(LockNames.Purchase(notice.PurchaseId), ct);
            // Looked at again under the lock: two runs at once (two servers) send it once.
            if (await db.Notifications.AnyAsync(n => n.ClientId == notice.ClientId && n.Text == notice.Text, ct)) continue;
            await QueueAsync(db, notice.ClientId, notice.Subject, notice.Text, nowUtc, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            count++;
        }
        return count;
    }

    /// <summary>Adds the in-app notification and the email for one client; the caller saves, in its transaction.</summary>
    public static async Task QueueAsync(CoreDbContext db, int clientId, string subject, string text, DateTime nowUtc, CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking().Where(c => c.Id == clientId).Select(c => new { c.FirstName, c.Email }).SingleAsync(ct);
        db.Notifications.Add(new Notification { ClientId = clientId, Text = text, CreatedAtUtc = nowUtc });
        db.Outbox.Add(new OutboxMessage
        {
            Channel = OutboxChannel.Email, ClientId = clientId, Recipient = client.Email, Subject = subject,
            Body = $"Hi {client.FirstName},\n{text}", CreatedAtUtc = nowUtc, NextAttemptAtUtc = nowUtc,
        });
    }

    private static string Day(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
