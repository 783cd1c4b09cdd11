using System.Security.Claims;
using CorePortal.Features.Auth;
using CorePortal.Features.Bookings;
using CorePortal.Features.Common;
using Microsoft.AspNetCore.Mvc;

namespace CorePortal.Features.Api;

public sealed record BookingRequest(int SessionId, int ClientId, int PurchaseId);

/// <summary>
/// The schedule, and booking and cancelling. A retried POST with the same Idempotency-Key returns the first booking.
/// </summary>
public static class BookingsApi
{
    public static void MapBookingsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/locations", async (ClaimsPrincipal user, ScheduleService schedule, CancellationToken ct) => (await schedule.LocationsAsync(user, ct)).ToHttp())
            .WithTags("Schedule").RequireAuthorization(Policies.StudioTeam);
        api.MapGet("/sessions", async (DateOnly day, int locationId, ClaimsPrincipal user, ScheduleService schedule, CancellationToken ct) =>
                (await schedule.DayAsync(user, day, locationId, ct)).ToHttp())
            .WithTags("Schedule").RequireAuthorization(Policies.StudioTeam);

        // Which of the client's own and shared purchases could pay for the session: the purchaseId to book with.
        api.MapGet("/clients/{clientId:int}/credit-sources", async (int clientId, int sessionId, ClaimsPrincipal user, BookingService booking, CancellationToken ct) =>
                (await booking.CreditSourcesAsync(user, clientId, sessionId, ct)).ToHttp())
            .WithTags("Bookings").RequireAuthorization(Policies.StudioTeam);

        var bookings = api.MapGroup("/bookings").WithTags("Bookings").RequireAuthorization(Policies.Staff);

        bookings.MapPost("/", async (BookingRequest body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
            ClaimsPrincipal user, BookingService booking, CancellationToken ct) =>
            (await booking.BookAsync(user, body.SessionId, body.ClientId, body.PurchaseId, idempotencyKey, ct))
                .ToHttp(receipt => receipt.Replayed ? Results.Ok(receipt) : Results.Created($"/api/bookings/{receipt.BookingId}", receipt)));

        bookings.MapPost("/{bookingId:int}/cancel", async (int bookingId, ClaimsPrincipal user, BookingService booking, CancellationToken ct) =>
            (await booking.CancelAsync(user, bookingId, ct)).ToHttp());
    }
}
