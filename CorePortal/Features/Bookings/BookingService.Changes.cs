using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

// What happens to a booking after it is made: cancelled (credit refunded) or marked attended / no-show (credit kept).
public sealed partial class BookingService
{
    public const int MaxNoteLength = CreditAdjustmentService.MaxNoteLength;
    public const string NoteField = "note";

    /// <summary>
    /// Cancels a live booking and refunds its credit to the time frame it came from. Once the session has started a member
    /// may no longer cancel (the credit was the price of the place), and staff may only with a <paramref name="note"/> saying
    /// why, which the refund's ledger row keeps.
    /// </summary>
    public async Task<ServiceResult> CancelAsync(ClaimsPrincipal user, int bookingId, string? note = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var booking = await db.Bookings.AsNoTracking().Where(b => b.Id == bookingId)
            .Select(b => new { b.ClientId, b.PurchaseId, b.PeriodId, b.SessionId, b.Status, b.Session!.Name, b.Session.StartsAt, b.Session.Location!.TimeZoneId,
                Client = b.Client!.FirstName + " " + b.Client.LastName })
            .FirstOrDefaultAsync(ct);
        if (booking is null) return ServiceResult.NotFound("That booking no longer exists.");
        if (!Access.CanCancelBooking(user, booking.ClientId)) return ServiceResult.Forbidden("Your role does not allow cancelling this booking.");
        var cleanNote = CleanText.Note(note, out var noteError);
        if (noteError is not null) return ServiceResult.Invalid(NoteField, noteError);
        if (cleanNote!.Length > MaxNoteLength) return ServiceResult.Invalid(NoteField, $"Keep the note under {MaxNoteLength} characters.");
        var sessionLabel = SessionLabel.Of(booking.Name, booking.StartsAt);
        if (booking.Status != BookingStatus.Booked)
            return ServiceResult.Conflict($"{booking.Client}'s booking for {sessionLabel} is {SessionLabel.StatusText(booking.Status).ToLowerInvariant()} and cannot be cancelled.");
        if (HasStarted(booking.StartsAt, booking.TimeZoneId, clock))
        {
            if (!Access.CanCancelAfterStart(user))
                return ServiceResult.Conflict($"{sessionLabel} has started: the booking can no longer be cancelled. Ask the studio if something went wrong.");
            if (cleanNote.Length == 0)
                return ServiceResult.Invalid(NoteField, $"{sessionLabel} has started: say in a note why the booking is cancelled after the start.");
        }

        // Read before the write lock: the updates below each re-check what they change and refuse if it moved meanwhile.
        await using var tx = await db.BeginWriteAsync(ct);
        var nowUtc = clock.GetUtcNow().UtcDateTime;
        var cancelled = await db.Bookings.Where(b => b.Id == bookingId && b.Status == BookingStatus.Booked)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BookingStatus.Cancelled).SetProperty(b => b.ActiveClientId, (int?)null)
                .SetProperty(b => b.UsesCredit, false).SetProperty(b => b.CancelledAtUtc, nowUtc), ct);
        var version = Guid.NewGuid();
        var refunded = await db.CreditPeriods.Where(p => p.Id == booking.PeriodId && p.UsedCredits > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.UsedCredits, p => p.UsedCredits - 1).SetProperty(p => p.Version, version), ct);
        var freed = await db.Sessions.Where(s => s.Id == booking.SessionId && s.BookedCount > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.BookedCount, x => x.BookedCount - 1), ct);
        if (cancelled == 0 || refunded == 0 || freed == 0)
            return ServiceResult.Conflict("The booking changed while cancelling; nothing was changed. Reload and try again.");

        var balance = await db.CreditPeriods.AsNoTracking().Where(p => p.Id == booking.PeriodId).Select(p => new { p.UsedCredits, p.MaxCredits }).SingleAsync(ct);
        db.Ledger.Add(new CreditLedgerEntry
        {
            PurchaseId = booking.PurchaseId, PeriodId = booking.PeriodId, Kind = LedgerKind.CancellationRefund, Amount = -1, BookingId = bookingId,
            MaxAfter = balance.MaxCredits, UsedAfter = balance.UsedCredits, Actor = user.ActorName(), AtUtc = nowUtc,
            Note = $"{sessionLabel} cancelled for {booking.Client}" + (cleanNote.Length > 0 ? $". {cleanNote}" : ""),
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await feed.PublishPeriodsAsync(db, [booking.PeriodId], CancellationToken.None);
        await FillWaitlistAsync(booking.SessionId);
        return ServiceResult.Ok($"{booking.Client}'s booking for {sessionLabel} is cancelled and the credit refunded.");
    }

    /// <summary>
    /// Committed, a place is free: the first on the waitlist gets it now. Not with the caller's token: the cancellation stands
    /// whether or not its caller waits, and a promotion that fails here is made by WaitlistJob's next sweep.
    /// </summary>
    internal async Task FillWaitlistAsync(int sessionId)
    {
        if (waitlist is not null) await waitlist().FillAsync(sessionId, CancellationToken.None);
    }

    /// <summary>Marks the client as attended; the credit stays used.</summary>
    public Task<ServiceResult> MarkAttendedAsync(ClaimsPrincipal user, int bookingId, CancellationToken ct = default) =>
        MarkAsync(user, bookingId, BookingStatus.Attended, ct);

    /// <summary>Marks the client as a no-show; the credit stays used.</summary>
    public Task<ServiceResult> MarkNoShowAsync(ClaimsPrincipal user, int bookingId, CancellationToken ct = default) =>
        MarkAsync(user, bookingId, BookingStatus.NoShow, ct);

    private async Task<ServiceResult> MarkAsync(ClaimsPrincipal user, int bookingId, BookingStatus status, CancellationToken ct)
    {
        if (!Access.CanMarkAttendance(user)) return ServiceResult.Forbidden("Your role does not allow marking attendance.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        int marked;
        await using (var tx = await db.BeginWriteAsync(ct))
        {
            marked = await db.Bookings.Where(b => b.Id == bookingId && b.Status != BookingStatus.Cancelled)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, status), ct);
            await tx.CommitAsync(ct);
        }
        if (marked == 1) return ServiceResult.Ok($"Marked {SessionLabel.StatusText(status).ToLowerInvariant()}.");
        return await db.Bookings.AnyAsync(b => b.Id == bookingId, ct)
            ? ServiceResult.Conflict("A cancelled booking cannot be marked attended or no-show.")
            : ServiceResult.NotFound("That booking no longer exists.");
    }
}
