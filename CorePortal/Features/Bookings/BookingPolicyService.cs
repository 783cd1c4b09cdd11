using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using Microsoft.EntityFrameworkCore;

namespace CorePortal.Features.Bookings;

/// <summary>A booking policy's fields as a form edits them: the studio's default and a catalog item's own.</summary>
public interface IBookingPolicyInput
{
    int? LateCancelHours { get; set; }
    PolicyCost LateCancelCost { get; set; }
    PolicyCost NoShowCost { get; set; }
    int? GraceCount { get; set; }
    int? GraceWindowDays { get; set; }
}

/// <summary>The studio's default booking policy as a form and the API edit it; Version guards against a lost update.</summary>
public sealed class BookingPolicyInput : IBookingPolicyInput
{
    public int? LateCancelHours { get; set; }
    public PolicyCost LateCancelCost { get; set; } = PolicyCost.KeepCredit;
    public PolicyCost NoShowCost { get; set; } = PolicyCost.KeepCredit;
    public int? GraceCount { get; set; }
    public int? GraceWindowDays { get; set; } = 30;
    public Guid Version { get; set; }
}

/// <summary>A booking whose credit a policy kept (or kept and then waived), for the day's review.</summary>
public sealed record PenaltyRow(int BookingId, string Location, string Client, string Session, DateTime StartsAt, BookingPenalty Penalty,
    string PoolOwner, string PurchaseName, DateTime? WaivedAtUtc, string? WaivedBy)
{
    public string Rule => Penalty == BookingPenalty.NoShow ? "No-show" : "Late cancellation";
    public bool Waived => WaivedAtUtc is not null;
}

/// <summary>Booking policies: the studio's default, what a cancellation would cost, and the penalties to review.</summary>
public sealed class BookingPolicyService(IDbContextFactory<CoreDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The studio's default policy as the form edits it: managers.</summary>
    public async Task<ServiceResult<BookingPolicyInput>> GetStudioDefaultAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (!Access.CanManageCatalog(user)) return ServiceResult.Failure<BookingPolicyInput>(ServiceResult.Forbidden("Only managers and admins can change the booking policy."));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var s = await db.StudioSettings.AsNoTracking().SingleAsync(x => x.Id == StudioSettings.SingletonId, ct);
        return ServiceResult.Success(new BookingPolicyInput
        {
            LateCancelHours = s.LateCancelHours, LateCancelCost = s.LateCancelCost, NoShowCost = s.NoShowCost,
            GraceCount = s.GraceCount, GraceWindowDays = s.GraceWindowDays, Version = s.Version,
        });
    }

    /// <summary>Saves the studio's default policy (every item without its own): managers. A stale version is a conflict.</summary>
    public async Task<ServiceResult> SaveStudioDefaultAsync(ClaimsPrincipal user, BookingPolicyInput input, CancellationToken ct = default)
    {
        if (!Access.CanManageCatalog(user)) return ServiceResult.Forbidden("Only managers and admins can change the booking policy.");
        var errors = BookingPolicy.Validate(input.LateCancelHours, input.LateCancelCost, input.NoShowCost, input.GraceCount, input.GraceWindowDays);
        if (errors.Count > 0) return ServiceResult.Invalid(errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.BeginWriteAsync(ct);
        var s = await db.StudioSettings.SingleAsync(x => x.Id == StudioSettings.SingletonId, ct);
        db.Entry(s).Property(x => x.Version).OriginalValue = input.Version;
        (s.LateCancelHours, s.LateCancelCost, s.NoShowCost, s.GraceCount, s.GraceWindowDays, s.Version) =
            (input.LateCancelHours!.Value, input.LateCancelCost, input.NoShowCost, input.GraceCount!.Value, input.GraceWindowDays!.Value, Guid.NewGuid());
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ServiceResult.Conflict("Someone else changed the booking policy while you were editing. Reload to see their changes.");
        }
        return ServiceResult.Ok("The studio's booking policy is saved.");
    }

    /// <summary>What cancelling the booking now would do: whoever may cancel it (the desk, or the member who booked).</summary>
    public async Task<ServiceResult<CancellationConsequence>> ConsequenceAsync(ClaimsPrincipal user, int bookingId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var booking = await db.Bookings.AsNoTracking().Where(b => b.Id == bookingId).Select(b => new { b.ClientId, b.Status }).FirstOrDefaultAsync(ct);
        if (booking is null || !Access.CanCancelBooking(user, booking.ClientId))
            return ServiceResult.Failure<CancellationConsequence>(ServiceResult.NotFound("That booking no longer exists."));
        if (booking.Status != BookingStatus.Booked)
            return ServiceResult.Failure<CancellationConsequence>(ServiceResult.Conflict("Only a live booking can be cancelled."));
        return ServiceResult.Success((await CancellationConsequence.OfAsync(db, bookingId, clock, ct))!);
    }

    /// <summary>The penalties of a day's sessions (by their local date), by location and start: the front desk and up.</summary>
    public async Task<ServiceResult<IReadOnlyList<PenaltyRow>>> PenaltiesAsync(ClaimsPrincipal user, DateOnly day, int? locationId = null, CancellationToken ct = default)
    {
        if (!Access.CanWaivePenalties(user)) return ServiceResult.Failure<IReadOnlyList<PenaltyRow>>(ServiceResult.Forbidden());
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (from, to) = (day.ToDateTime(TimeOnly.MinValue), day.AddDays(1).ToDateTime(TimeOnly.MinValue));
        var rows = await db.Bookings.AsNoTracking()
            .Where(b => b.Penalty != BookingPenalty.None && b.Session!.StartsAt >= from && b.Session.StartsAt < to)
            .Where(b => locationId == null || b.Session!.LocationId == locationId)
            .OrderBy(b => b.Session!.Location!.Name).ThenBy(b => b.Session!.StartsAt).ThenBy(b => b.Id)
            .Select(b => new PenaltyRow(b.Id, b.Session!.Location!.Name, b.Client!.FirstName + " " + b.Client.LastName, b.Session.Name, b.Session.StartsAt,
                b.Penalty, b.Purchase!.OwnerClient!.FirstName + " " + b.Purchase.OwnerClient.LastName, b.Purchase.Name, b.WaivedAtUtc, b.WaivedBy))
            .ToListAsync(ct);
        return ServiceResult.Success<IReadOnlyList<PenaltyRow>>(rows);
    }
}
