using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

// A waitlist promotion books through the same checks and the same guarded debit as any booking (WaitlistPromoter decides who).
public sealed partial class BookingService
{
    /// <summary>
    /// Books the client from the purchase as a booking at the desk would, and runs <paramref name="markPromoted"/> in the same
    /// transaction (the entry's conditional change to Promoted, the notices): when it answers false nothing is written.
    /// </summary>
    internal async Task<ServiceResult<BookingReceipt>> BookFromWaitlistAsync(ClaimsPrincipal actor, int sessionId, int clientId, int purchaseId,
        Func<CoreDbContext, int, Task<bool>> markPromoted, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await RenewThroughSessionAsync(db, sessionId, purchaseId, ct);
        var facts = await ReadFactsAsync(db, sessionId, clientId, purchaseId, ct);
        if (Refusal(facts, clientId, clock) is { } refusal) return refusal;
        try
        {
            var booked = await WriteBookingAsync(db, actor, facts!, clientId, null, ct, markPromoted);
            if (booked.Succeeded) metrics.BookingMade();
            return booked;
        }
        catch (Exception ex) when (DbErrors.IsUnique(ex, "ActiveClientId"))
        {
            return Fail(ServiceResult.Conflict($"{facts!.Client} is already booked into {facts.SessionLabel}."));
        }
    }
}
