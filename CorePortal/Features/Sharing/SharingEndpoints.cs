using System.Security.Claims;
using CorePortal.Features.Common;
using CorePortal.Features.Notifications;

namespace CorePortal.Features.Sharing;

public sealed record AddShareRequest(int ClientId);

/// <summary>
/// The sharing API for the members' app and integrations: a client's notification feed and shared packages, and the
/// owner's and invited client's actions. Each service checks who may do what.
/// </summary>
public static class SharingEndpoints
{
    public static void MapSharingEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization();

        api.MapGet("/clients/{clientId:int}/notifications", async (int clientId, ClaimsPrincipal user, NotificationService feed, CancellationToken ct) =>
            user.CanSeeClient(clientId) ? Results.Ok(await feed.FeedAsync(clientId, 50, ct)) : ApiResults.Problem(ServiceResult.Forbidden()));
        api.MapGet("/clients/{clientId:int}/shared-packages", async (int clientId, ClaimsPrincipal user, SharingQueries queries, CancellationToken ct) =>
            user.CanSeeClient(clientId) ? Results.Ok(await queries.SharedWithClientAsync(clientId, ct)) : ApiResults.Problem(ServiceResult.Forbidden()));

        api.MapPost("/purchases/{purchaseId:int}/shares", async (int purchaseId, AddShareRequest body, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
            (await sharing.AddShareAsync(user, purchaseId, body.ClientId, ct)).ToHttp());
        api.MapDelete("/shares/{shareId:int}", async (int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
            (await sharing.RemoveAsync(user, shareId, ct)).ToHttp());
        api.MapPost("/shares/{shareId:int}/accept", async (int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
            (await sharing.AcceptAsync(user, shareId, ct)).ToHttp());
        api.MapPost("/shares/{shareId:int}/decline", async (int shareId, ClaimsPrincipal user, SharingService sharing, CancellationToken ct) =>
            (await sharing.DeclineAsync(user, shareId, ct)).ToHttp());
    }
}
