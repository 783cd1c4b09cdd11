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
        bookings.MapPost("/{bookingId:int}/cancel", CancelAsync);
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
