using System.Security.Claims;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using CorePortal.Features.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CorePortal.Features.Sharing;

public sealed record AddShareRequest(int ClientId);

/// <summary>
/// The sharing API for staff and integrations: a client's notification feed and shared packages, adding, answering
/// (on the client's behalf) and removing. Members do the same through /api/me.
/// </summary>
public static class SharingEndpoints
{
    public static void MapSharingEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().ProducesAuthProblems().WithTags("Sharing");

        api.MapGet("/clients/{clientId:int}/notifications", NotificationsAsync).RequireAuthorization(Policies.StudioTeam);
        api.MapGet("/clients/{clientId:int}/shared-packages", SharedPackagesAsync).RequireAuthorization(Policies.StudioTeam);

        var writes = api.MapGroup("").RequireAuthorization(Policies.Staff);
        writes.MapPost("/purchases/{purchaseId:int}/shares", AddAsync);
        writes.MapDelete("/shares/{shareId:int}", RemoveAsync);
        writes.MapPost("/shares/{shareId:int}/accept", AcceptAsync);
        writes.MapPost("/shares/{shareId:int}/decline", DeclineAsync);
        writes.MapPut("/shares/{shareId:int}/limits", LimitsAsync);
    }

    private static async Task<Results<Ok<IReadOnlyList<NotificationView>>, ServiceProblem>> NotificationsAsync(int clientId, ClaimsPrincipal user,
        CreditReadService credits, NotificationService feed, CancellationToken ct)
    {
        // The profile read says 404 for no such client.
        if (await credits.ProfileAsync(user, clientId, ct) is { Succeeded: false } refused) return refused.Problem();
        return (await feed.FeedAsync(user, clientId, 50, ct)).ToHttp();
    }

    private static async Task<Results<Ok<List<SharedWithMeView>>, ServiceProblem>> SharedPackagesAsync(int clientId, ClaimsPrincipal user,
        CreditReadService credits, SharingQueries queries, CancellationToken ct)
    {
        if (await credits.ProfileAsync(user, clientId, ct) is { Succeeded: false } refused) return refused.Problem();
        return (await queries.SharedWithClientAsync(user, clientId, ct)).ToHttp();
    }

    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> AddAsync(int purchaseId, AddShareRequest body, ClaimsPrincipal user,
        SharingService sharing, CancellationToken ct) =>
        (await sharing.AddShareAsync(user, purchaseId, body.ClientId, ct)).ToHttp();

    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> RemoveAsync(int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
        (await sharing.RemoveAsync(user, shareId, ct)).ToHttp();

    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> AcceptAsync(int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
        (await sharing.AcceptAsync(user, shareId, ct)).ToHttp();

    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> DeclineAsync(int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
        (await sharing.DeclineAsync(user, shareId, ct)).ToHttp();

    /// <summary>An authorized client's caps, pause and the owner's notices (the desk for the owner).</summary>
    private static async Task<Results<Ok<ApiMessage>, ServiceProblem>> LimitsAsync(int shareId, ShareLimits body, ClaimsPrincipal user,
        ShareLimitsService limits, CancellationToken ct) =>
        (await limits.SetLimitsAsync(user, shareId, body, ct)).ToHttp();

    private static ServiceProblem NoSuchClient() => ServiceResult.NotFound("No client has that id.").Problem();
}
