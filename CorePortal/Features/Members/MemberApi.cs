using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Api;
using CorePortal.Features.Auth;
using CorePortal.Features.Bookings;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Notifications;
using CorePortal.Features.Sharing;
using Microsoft.AspNetCore.Mvc;

namespace CorePortal.Features.Members;

public sealed record ShareWithRequest(string? EmailOrBarcode);
public sealed record MemberBookingRequest(int SessionId, int PurchaseId);
public sealed record MemberShareView(int ShareId, int ClientId, string Name, ShareStatus Status, DateTime InvitedAtUtc, DateTime? RespondedAtUtc);
public sealed record MemberSharingView(int PurchaseId, string Name, bool AllowSharing, int? SharingLimit, int PlacesLeft, IReadOnlyList<MemberShareView> AuthorizedUsers);

/// <summary>
/// The members' app: everything under /api/me acts for the client the login belongs to, taken from the token and
/// never from the request. Ids in the path name purchases, shares and bookings; the services check each one belongs
/// to the member (owner, invited or authorized client), so changing an id reaches nobody else's data.
/// </summary>
public static class MemberApi
{
    public const string ShareTargetField = SharingService.ContactField;

    public static void MapMemberApi(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me").RequireAuthorization(Policies.Member).WithTags("Members");

        me.MapGet("/", async (ClaimsPrincipal user, CreditReadService credits, CancellationToken ct) =>
            (await credits.ProfileAsync(user, Me(user), ct)).ToHttp());

        // My Packages: own and accepted shared ones, each with its owner and balance per time frame.
        me.MapGet("/packages", async (ClaimsPrincipal user, CreditReadService credits, CancellationToken ct) =>
            (await ApiPurchase.OfClientAsync(credits, user, Me(user), ct)).ToHttp());

        me.MapGet("/invitations", async (ClaimsPrincipal user, SharingQueries queries, CancellationToken ct) =>
            (await queries.SharedWithClientAsync(user, Me(user), ct)).ToHttp(shares => Results.Ok(shares.Where(s => s.Status == ShareStatus.Pending).ToList())));
        me.MapPost("/invitations/{shareId:int}/accept", async (int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
            (await sharing.AcceptAsync(user, shareId, ct)).ToHttp());
        me.MapPost("/invitations/{shareId:int}/decline", async (int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
            (await sharing.DeclineAsync(user, shareId, ct)).ToHttp());

        // Sharing one of the member's own purchases: who holds a place, adding someone by email or barcode, removing.
        me.MapGet("/packages/{purchaseId:int}/sharing", async (int purchaseId, ClaimsPrincipal user, SharingQueries queries, CancellationToken ct) =>
            (await queries.PurchaseAsync(user, purchaseId, ct)).ToHttp(view => Results.Ok(SharingOf(view))));
        me.MapPost("/packages/{purchaseId:int}/shares", async (int purchaseId, ShareWithRequest body, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
            (await sharing.ShareByContactAsync(user, purchaseId, body.EmailOrBarcode, ct)).ToHttp());
        me.MapDelete("/shares/{shareId:int}", async (int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
            (await sharing.RemoveAsync(user, shareId, ct)).ToHttp());

        // Who used what on a purchase the member owns or is authorized on (Credit Used By).
        me.MapGet("/packages/{purchaseId:int}/visits", async (int purchaseId, int? page, int? pageSize, ClaimsPrincipal user, VisitHistoryService visits, CancellationToken ct) =>
            (await visits.VisitsAsync(user, purchaseId, page ?? 0, pageSize ?? 25, ct)).ToHttp());

        // The schedule, the credit sources for a session, booking and cancelling.
        me.MapGet("/locations", async (ClaimsPrincipal user, ScheduleService schedule, CancellationToken ct) => (await schedule.LocationsAsync(user, ct)).ToHttp());
        me.MapGet("/sessions", async (DateOnly day, int locationId, ClaimsPrincipal user, ScheduleService schedule, CancellationToken ct) =>
            (await schedule.DayAsync(user, day, locationId, ct)).ToHttp());
        me.MapGet("/credit-sources", async (int sessionId, ClaimsPrincipal user, BookingService booking, CancellationToken ct) =>
            (await booking.CreditSourcesAsync(user, Me(user), sessionId, ct)).ToHttp());
        me.MapGet("/bookings", async (bool? past, int? page, int? pageSize, ClaimsPrincipal user, MemberQueries members, CancellationToken ct) =>
            (await members.BookingsAsync(user, Me(user), upcoming: past != true, page ?? 0, pageSize ?? 25, ct)).ToHttp());
        me.MapPost("/bookings", async (MemberBookingRequest body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
            ClaimsPrincipal user, BookingService booking, CancellationToken ct) =>
            (await booking.BookAsync(user, body.SessionId, Me(user), body.PurchaseId, idempotencyKey, ct))
                .ToHttp(receipt => receipt.Replayed ? Results.Ok(receipt) : Results.Created($"/api/me/bookings/{receipt.BookingId}", receipt)));
        me.MapPost("/bookings/{bookingId:int}/cancel", async (int bookingId, ClaimsPrincipal user, BookingService booking, CancellationToken ct) =>
            (await booking.CancelAsync(user, bookingId, ct)).ToHttp());

        me.MapGet("/notifications", (ClaimsPrincipal user, NotificationService feed, CancellationToken ct) => feed.FeedAsync(Me(user), 50, ct));
    }

    // The Member policy requires the client id claim, so it is always there.
    private static int Me(ClaimsPrincipal user) => user.ClientId()!.Value;

    private static MemberSharingView SharingOf(PurchaseSharingView view) => new(view.PurchaseId, view.Name, view.AllowSharing, view.SharingLimit, view.PlacesLeft,
        [.. view.Users.Where(u => u.Status is ShareStatus.Pending or ShareStatus.Accepted)
            .Select(u => new MemberShareView(u.ShareId, u.ClientId, u.Name, u.Status, u.InvitedAtUtc, u.RespondedAtUtc))]);
}
