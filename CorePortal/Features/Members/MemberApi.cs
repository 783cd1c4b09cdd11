using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Api;
using CorePortal.Features.Auth;
using CorePortal.Features.Bookings;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Memberships;
using CorePortal.Features.Notifications;
using CorePortal.Features.Sharing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CorePortal.Features.Members;

public sealed record ShareWithRequest(string? EmailOrBarcode);
public sealed record MemberBookingRequest(int SessionId, int PurchaseId);

/// <summary>A member joining a waitlist: the purchase to reserve, or none for their earliest-expiring usable one.</summary>
public sealed record MemberWaitlistJoin(int? PurchaseId = null);
/// <summary>
/// One place on a member's purchase. A client who accepted is shown by name (they agreed to share with this owner); a pending
/// invitation shows only what the owner typed in the app (null when the studio invited them at the desk) and no client id,
/// so the list never names the client an email or barcode belongs to.
/// </summary>
public sealed record MemberShareView(int ShareId, int? ClientId, string? Name, ShareStatus Status, DateTime InvitedAtUtc, DateTime? RespondedAtUtc,
    MemberShareUse? Use = null);
/// <summary>What the owner allows this client and what they used today against it ("3 of 4 this month · 7 in all").</summary>
public sealed record MemberShareUse(int? CapPerPeriod, int? CapTotal, bool Paused, bool NotifyOwner, int UsedInPeriod, int UsedTotal, string UseText)
{
    public static MemberShareUse? Of(ShareUse? use) => use is null ? null
        : new(use.CapPerPeriod, use.CapTotal, use.Paused, use.NotifyOwner, use.UsedInPeriod, use.UsedTotal, use.UseText);
}
public sealed record MemberSharingView(int PurchaseId, string Name, bool AllowSharing, int? SharingLimit, int PlacesLeft, IReadOnlyList<MemberShareView> AuthorizedUsers);

/// <summary>
/// The members' app: everything under /api/me acts for the client the login belongs to, taken from the token and
/// never from the request. Ids in the path name purchases, shares and bookings; the services check each one belongs
/// to the member (owner, invited or authorized client), so changing an id reaches nobody else's data.
/// </summary>
public static class MemberApi
{
    public const string ShareTargetField = MemberInvitationService.ContactField;

    public static void MapMemberApi(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/me").RequireAuthorization(Policies.Member).ProducesAuthProblems().WithTags("Members");

        me.MapGet("/", ProfileAsync);
        me.MapGet("/packages", PackagesAsync);

        me.MapGet("/invitations", InvitationsAsync);
        me.MapPost("/invitations/{shareId:int}/accept", AcceptAsync);
        me.MapPost("/invitations/{shareId:int}/decline", DeclineAsync);

        me.MapGet("/packages/{purchaseId:int}/sharing", SharingAsync);
        me.MapPost("/packages/{purchaseId:int}/shares", ShareAsync).ProducesProblems(StatusCodes.Status429TooManyRequests); // the daily limit
        me.MapDelete("/shares/{shareId:int}", RemoveShareAsync);
        me.MapPut("/shares/{shareId:int}/limits", ShareLimitsAsync);

        me.MapGet("/packages/{purchaseId:int}/visits", VisitsAsync);

        me.MapGet("/locations", LocationsAsync);
        me.MapGet("/sessions", DayAsync).ProducesProblems(StatusCodes.Status400BadRequest); // without a day and a location
        me.MapGet("/credit-sources", CreditSourcesAsync);
        me.MapGet("/bookings", BookingsAsync);
        me.MapPost("/bookings", BookAsync);
        me.MapGet("/bookings/{bookingId:int}/cancellation", CancellationAsync);
        me.MapPost("/bookings/{bookingId:int}/cancel", CancelAsync);
        me.MapGet("/sessions/{sessionId:int}/waitlist", MyWaitlistAsync);
        me.MapPost("/sessions/{sessionId:int}/waitlist", JoinWaitlistAsync);
        me.MapDelete("/sessions/{sessionId:int}/waitlist/{entryId:int}", LeaveWaitlistAsync);

        me.MapGet("/notifications", NotificationsAsync);

        me.MapPost("/packages/{purchaseId:int}/freeze-requests", AskToFreezeAsync);
        me.MapGet("/freeze-requests", FreezeRequestsAsync);
    }

    /// <summary>Asks the studio to freeze one of the member's own purchases (not one shared with them), within the item's freeze rules.</summary>
    private static async Task<Results<Created<FreezeRequestView>, ServiceProblem>> AskToFreezeAsync(int purchaseId, FreezeRequestInput body, ClaimsPrincipal user,
        FreezeRequestService requests, CancellationToken ct) =>
        await requests.AskAsync(user, purchaseId, body, ct) switch
        {
            { Succeeded: false } refused => refused.Problem(),
            var asked => TypedResults.Created("/api/me/freeze-requests", asked.Value!),
        };

    /// <summary>The member's freeze requests with their status and answer, newest first.</summary>
    private static async Task<Results<Ok<IReadOnlyList<FreezeRequestView>>, ServiceProblem>> FreezeRequestsAsync(ClaimsPrincipal user, FreezeRequestService requests,
        CancellationToken ct) =>
        (await requests.OfClientAsync(user, Me(user), ct)).ToHttp();

    private static async Task<Results<Ok<ClientProfile>, ServiceProblem>> ProfileAsync(ClaimsPrincipal user, CreditReadService credits, CancellationToken ct) =>
        (await credits.ProfileAsync(user, Me(user), ct)).ToHttp();

    /// <summary>My Packages: own and accepted shared ones, each with its owner and balance per time frame.</summary>
    private static async Task<Results<Ok<List<ApiPurchase>>, ServiceProblem>> PackagesAsync(ClaimsPrincipal user, CreditReadService credits, CancellationToken ct) =>
        (await ApiPurchase.OfClientAsync(credits, user, Me(user), ct)).ToHttp();

    private static async Task<Results<Ok<List<SharedWithMeView>>, ServiceProblem>> InvitationsAsync(ClaimsPrincipal user, SharingQueries queries, CancellationToken ct)
    {
        var shares = await queries.SharedWithClientAsync(user, Me(user), ct);
        if (!shares.Succeeded) return shares.Problem();
        return TypedResults.Ok(shares.Value!.Where(s => s.Status == ShareStatus.Pending).ToList());
    }

    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> AcceptAsync(int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
        (await sharing.AcceptAsync(user, shareId, ct)).ToHttp();

    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> DeclineAsync(int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
        (await sharing.DeclineAsync(user, shareId, ct)).ToHttp();

    /// <summary>Sharing one of the member's own purchases: who holds a place.</summary>
    private static async Task<Results<Ok<MemberSharingView>, ServiceProblem>> SharingAsync(int purchaseId, ClaimsPrincipal user, SharingQueries queries, CancellationToken ct)
    {
        var view = await queries.PurchaseAsync(user, purchaseId, ct);
        return view.Succeeded ? TypedResults.Ok(SharingOf(view.Value!)) : view.Problem();
    }

    /// <summary>
    /// Invites someone, named by email or barcode, onto one of the member's own purchases. The answer is the same whether or
    /// not they are a client ("If … is a client of the studio, they have been invited"); a few requests a day.
    /// </summary>
    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> ShareAsync(int purchaseId, ShareWithRequest body, ClaimsPrincipal user,
        MemberInvitationService invitations, CancellationToken ct) =>
        (await invitations.InviteByContactAsync(user, purchaseId, body.EmailOrBarcode, ct)).ToHttp();

    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> RemoveShareAsync(int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
        (await sharing.RemoveAsync(user, shareId, ct)).ToHttp();

    /// <summary>The owner sets what one of their authorized clients may use: caps, a pause, notices of their bookings.</summary>
    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> ShareLimitsAsync(int shareId, ShareLimits body, ClaimsPrincipal user,
        ShareLimitsService limits, CancellationToken ct) =>
        (await limits.SetLimitsAsync(user, shareId, body, ct)).ToHttp();

    /// <summary>Who used what on a purchase the member owns or is authorized on (Credit Used By), newest session first.</summary>
    private static async Task<Results<Ok<VisitPage>, ValidationProblem, ServiceProblem>> VisitsAsync(int purchaseId, ClaimsPrincipal user,
        VisitHistoryService visits, CancellationToken ct,
        [Description(Paging.PageDescription), Range(1, int.MaxValue)] int page = 1,
        [Description(Paging.PageSizeDescription), Range(1, VisitHistoryService.MaxPageSize)] int pageSize = Paging.DefaultPageSize)
    {
        if (Paging.Refusal(page, pageSize, VisitHistoryService.MaxPageSize) is { } refused) return refused;
        var result = await visits.VisitsAsync(user, purchaseId, page - 1, pageSize, ct);
        return result.Succeeded ? TypedResults.Ok(result.Value!) : result.Problem();
    }

    private static async Task<Results<Ok<IReadOnlyList<LocationOption>>, ServiceProblem>> LocationsAsync(ClaimsPrincipal user, ScheduleService schedule, CancellationToken ct) =>
        (await schedule.LocationsAsync(user, ct)).ToHttp();

    private static async Task<Results<Ok<IReadOnlyList<SessionRow>>, ServiceProblem>> DayAsync(DateOnly day, int locationId, ClaimsPrincipal user,
        ScheduleService schedule, CancellationToken ct) =>
        (await schedule.DayAsync(user, day, locationId, ct)).ToHttp();

    /// <summary>Which of the member's own and shared purchases could pay for the session.</summary>
    private static async Task<Results<Ok<IReadOnlyList<CreditSource>>, ServiceProblem>> CreditSourcesAsync(int sessionId, ClaimsPrincipal user,
        BookingService booking, CancellationToken ct) =>
        (await booking.CreditSourcesAsync(user, Me(user), sessionId, ct)).ToHttp();

    /// <summary>The member's upcoming bookings (soonest first), or past ones with <c>past=true</c>.</summary>
    private static async Task<Results<Ok<MemberBookingPage>, ValidationProblem, ServiceProblem>> BookingsAsync(bool? past, ClaimsPrincipal user, MemberQueries members, CancellationToken ct,
        [Description(Paging.PageDescription), Range(1, int.MaxValue)] int page = 1,
        [Description(Paging.PageSizeDescription), Range(1, MemberQueries.MaxPageSize)] int pageSize = Paging.DefaultPageSize)
    {
        if (Paging.Refusal(page, pageSize, MemberQueries.MaxPageSize) is { } refused) return refused;
        var bookings = await members.BookingsAsync(user, Me(user), upcoming: past != true, page - 1, pageSize, ct);
        return bookings.Succeeded ? TypedResults.Ok(bookings.Value!) : bookings.Problem();
    }

    private static async Task<Results<Created<BookingReceipt>, Ok<BookingReceipt>, ServiceProblem>> BookAsync(MemberBookingRequest body,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ClaimsPrincipal user, BookingService booking, CancellationToken ct) =>
        await booking.BookAsync(user, body.SessionId, Me(user), body.PurchaseId, idempotencyKey, ct) switch
        {
            { Succeeded: false } refused => refused.Problem(),
            { Value.Replayed: true } replay => TypedResults.Ok(replay.Value!),
            var booked => TypedResults.Created($"/api/me/bookings/{booked.Value!.BookingId}", booked.Value!),
        };

    /// <summary>What cancelling the booking now would do (late or not, the credit kept or returned), before the member confirms.</summary>
    private static async Task<Results<Ok<CancellationConsequence>, ServiceProblem>> CancellationAsync(int bookingId, ClaimsPrincipal user,
        BookingPolicyService policies, CancellationToken ct) =>
        (await policies.ConsequenceAsync(user, bookingId, ct)).ToHttp();

    /// <summary>The member's place on the session's waitlist (empty when not waiting): position 1 is promoted first.</summary>
    private static async Task<Results<Ok<IReadOnlyList<WaitlistRow>>, ServiceProblem>> MyWaitlistAsync(int sessionId, ClaimsPrincipal user,
        WaitlistService waitlist, CancellationToken ct) =>
        (await waitlist.ListAsync(user, sessionId, ct)).ToHttp();

    /// <summary>Joins a full session's waitlist, reserving the purchase given or the member's earliest-expiring usable one.</summary>
    private static async Task<Results<Created<WaitlistRow>, ServiceProblem>> JoinWaitlistAsync(int sessionId, MemberWaitlistJoin body, ClaimsPrincipal user,
        WaitlistService waitlist, CancellationToken ct)
    {
        var joined = await waitlist.JoinAsync(user, sessionId, new WaitlistJoin(Me(user), body.PurchaseId), ct);
        if (!joined.Succeeded) return joined.Problem();
        return TypedResults.Created($"/api/me/sessions/{sessionId}/waitlist/{joined.Value!.EntryId}", joined.Value!);
    }

    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> LeaveWaitlistAsync(int sessionId, int entryId, ClaimsPrincipal user,
        WaitlistService waitlist, CancellationToken ct) =>
        (await waitlist.LeaveAsync(user, sessionId, entryId, ct)).ToHttp();

    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> CancelAsync(int bookingId, ClaimsPrincipal user, BookingService booking, CancellationToken ct) =>
        (await booking.CancelAsync(user, bookingId, ct: ct)).ToHttp();

    private static async Task<Results<Ok<IReadOnlyList<NotificationView>>, ServiceProblem>> NotificationsAsync(ClaimsPrincipal user, NotificationService feed,
        CancellationToken ct) =>
        (await feed.FeedAsync(user, Me(user), 50, ct)).ToHttp();

    // The Member policy requires the client id claim, so it is always there.
    private static int Me(ClaimsPrincipal user) => user.ClientId()!.Value;

    private static MemberSharingView SharingOf(PurchaseSharingView view) => new(view.PurchaseId, view.Name, view.AllowSharing, view.SharingLimit, view.PlacesLeft,
        [.. view.Users.Where(u => u.Status is ShareStatus.Pending or ShareStatus.Accepted)
            .Select(u => u.Status == ShareStatus.Accepted
                ? new MemberShareView(u.ShareId, u.ClientId, u.Name, u.Status, u.InvitedAtUtc, u.RespondedAtUtc, MemberShareUse.Of(u.Use))
                : new MemberShareView(u.ShareId, null, u.InvitedAs, u.Status, u.InvitedAtUtc, u.RespondedAtUtc, MemberShareUse.Of(u.Use)))]);
}
