using System.Security.Claims;
using CorePortal.Features.Auth;
using CorePortal.Features.Bookings;
using CorePortal.Features.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CorePortal.Features.Api;

public sealed record BookingRequest(int SessionId, int ClientId, int PurchaseId);
/// <summary>Why a booking is cancelled: optional, required once the session has started.</summary>
public sealed record CancelRequest(string? Note);
/// <summary>Why a kept credit is returned: required.</summary>
public sealed record WaiveRequest(string? Note);

/// <summary>
/// The schedule, and booking and cancelling. A retried POST with the same Idempotency-Key returns the first booking.
/// </summary>
public static class BookingsApi
{
    public static void MapBookingsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/locations", LocationsAsync).WithTags("Schedule").RequireAuthorization(Policies.StudioTeam);
        api.MapGet("/sessions", DayAsync).WithTags("Schedule").RequireAuthorization(Policies.StudioTeam)
            .ProducesProblems(StatusCodes.Status400BadRequest); // without a day and a location
        api.MapGet("/clients/{clientId:int}/credit-sources", CreditSourcesAsync).WithTags("Bookings").RequireAuthorization(Policies.StudioTeam);

        var bookings = api.MapGroup("/bookings").WithTags("Bookings").RequireAuthorization(Policies.Staff);
        bookings.MapPost("/", BookAsync);
        bookings.MapGet("/{bookingId:int}/cancellation", CancellationAsync);
        bookings.MapPost("/{bookingId:int}/cancel", CancelAsync);
        bookings.MapPost("/{bookingId:int}/waive", WaiveAsync);
        bookings.MapGet("/penalties", PenaltiesAsync);

        var settings = api.MapGroup("/settings").WithTags("Catalog").RequireAuthorization(Policies.Manager);
        settings.MapGet("/booking-policy", StudioPolicyAsync);
        settings.MapPut("/booking-policy", SaveStudioPolicyAsync);
    }

    /// <summary>What cancelling the booking now would do (late or not, the credit kept or returned, the sentence to show).</summary>
    private static async Task<Results<Ok<CancellationConsequence>, ServiceProblem>> CancellationAsync(int bookingId, ClaimsPrincipal user,
        BookingPolicyService policies, CancellationToken ct) =>
        (await policies.ConsequenceAsync(user, bookingId, ct)).ToHttp();

    /// <summary>Returns the credit a late cancellation or a no-show kept, once, with a note saying why.</summary>
    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> WaiveAsync(int bookingId, WaiveRequest? body, ClaimsPrincipal user, BookingService booking,
        CancellationToken ct) =>
        (await booking.WaiveAsync(user, bookingId, body?.Note, ct)).ToHttp();

    /// <summary>The penalties of a day's sessions, by location (one location with <c>locationId</c>).</summary>
    private static async Task<Results<Ok<IReadOnlyList<PenaltyRow>>, ServiceProblem>> PenaltiesAsync(DateOnly day, int? locationId, ClaimsPrincipal user,
        BookingPolicyService policies, CancellationToken ct) =>
        (await policies.PenaltiesAsync(user, day, locationId, ct)).ToHttp();

    /// <summary>The studio's default booking policy, with its <c>version</c> for the PUT.</summary>
    private static async Task<Results<Ok<BookingPolicyInput>, ServiceProblem>> StudioPolicyAsync(ClaimsPrincipal user, BookingPolicyService policies, CancellationToken ct) =>
        (await policies.GetStudioDefaultAsync(user, ct)).ToHttp();

    private static async Task<Results<Ok<BookingPolicyInput>, ServiceProblem>> SaveStudioPolicyAsync(BookingPolicyInput body, ClaimsPrincipal user,
        BookingPolicyService policies, CancellationToken ct)
    {
        var saved = await policies.SaveStudioDefaultAsync(user, body, ct);
        return saved.Succeeded ? TypedResults.Ok((await policies.GetStudioDefaultAsync(user, ct)).Value!) : saved.Problem();
    }

    private static async Task<Results<Ok<IReadOnlyList<LocationOption>>, ServiceProblem>> LocationsAsync(ClaimsPrincipal user, ScheduleService schedule, CancellationToken ct) =>
        (await schedule.LocationsAsync(user, ct)).ToHttp();

    private static async Task<Results<Ok<IReadOnlyList<SessionRow>>, ServiceProblem>> DayAsync(DateOnly day, int locationId, ClaimsPrincipal user,
        ScheduleService schedule, CancellationToken ct) =>
        (await schedule.DayAsync(user, day, locationId, ct)).ToHttp();

    /// <summary>Which of the client's own and shared purchases could pay for the session: the purchaseId to book with.</summary>
    private static async Task<Results<Ok<IReadOnlyList<CreditSource>>, ServiceProblem>> CreditSourcesAsync(int clientId, int sessionId,
        ClaimsPrincipal user, BookingService booking, CancellationToken ct) =>
        (await booking.CreditSourcesAsync(user, clientId, sessionId, ct)).ToHttp();

    private static async Task<Results<Created<BookingReceipt>, Ok<BookingReceipt>, ServiceProblem>> BookAsync(BookingRequest body,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ClaimsPrincipal user, BookingService booking, CancellationToken ct) =>
        await booking.BookAsync(user, body.SessionId, body.ClientId, body.PurchaseId, idempotencyKey, ct) switch
        {
            { Succeeded: false } refused => refused.Problem(),
            { Value.Replayed: true } replay => TypedResults.Ok(replay.Value!),
            var booked => TypedResults.Created($"/api/bookings/{booked.Value!.BookingId}", booked.Value!),
        };

    /// <summary>The body is optional; after the session's start it must carry the note that says why.</summary>
    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> CancelAsync(int bookingId, CancelRequest? body, ClaimsPrincipal user, BookingService booking,
        CancellationToken ct) =>
        (await booking.CancelAsync(user, bookingId, body?.Note, ct)).ToHttp();
}
