using System.Security.Claims;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Notifications;

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
        var api = app.MapGroup("/api").RequireAuthorization().WithTags("Sharing");

        api.MapGet("/clients/{clientId:int}/notifications", async (int clientId, NotificationService feed, CancellationToken ct) =>
            await feed.FeedAsync(clientId, 50, ct)).RequireAuthorization(Policies.StudioTeam);
        api.MapGet("/clients/{clientId:int}/shared-packages", async (int clientId, ClaimsPrincipal user, SharingQueries queries, CancellationToken ct) =>
            (await queries.SharedWithClientAsync(user, clientId, ct)).ToHttp()).RequireAuthorization(Policies.StudioTeam);

        var writes = api.MapGroup("").RequireAuthorization(Policies.Staff);
        writes.MapPost("/purchases/{purchaseId:int}/shares", async (int purchaseId, AddShareRequest body, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
            (await sharing.AddShareAsync(user, purchaseId, body.ClientId, ct)).ToHttp());
        writes.MapDelete("/shares/{shareId:int}", async (int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
            (await sharing.RemoveAsync(user, shareId, ct)).ToHttp());
        writes.MapPost("/shares/{shareId:int}/accept", async (int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
            (await sharing.AcceptAsync(user, shareId, ct)).ToHttp());
        writes.MapPost("/shares/{shareId:int}/decline", async (int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
            (await sharing.DeclineAsync(user, shareId, ct)).ToHttp());
    }
}
