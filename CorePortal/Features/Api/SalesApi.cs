using System.Security.Claims;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Sales;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CorePortal.Features.Api;

/// <summary>
/// New Sale: the items on sale, and selling one to a client with the clients to share it with (each gets a pending
/// share and an invitation). A retried POST with the same Idempotency-Key returns the first sale (200) instead of selling again.
/// </summary>
public static class SalesApi
{
    public static void MapSalesApi(this RouteGroupBuilder api)
    {
        var sales = api.MapGroup("/sales").WithTags("Sales").RequireAuthorization(Policies.Staff);
        sales.MapGet("/items", ItemsAsync);
        sales.MapPost("/", CheckoutAsync);
    }

    private static async Task<Results<Ok<IReadOnlyList<SaleItemView>>, ServiceProblem>> ItemsAsync(ClaimsPrincipal user, SaleService sale, CancellationToken ct) =>
        (await sale.ItemsAsync(user, ct)).ToHttp();

    /// <summary>The new purchase appears among the owner's credits, hence the Location.</summary>
    private static async Task<Results<Created<SaleReceipt>, Ok<SaleReceipt>, ServiceProblem>> CheckoutAsync(SaleRequest body,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ClaimsPrincipal user, SaleService sale, CancellationToken ct) =>
        await sale.CheckoutAsync(user, body with { SharedClientIds = body.SharedClientIds ?? [] }, idempotencyKey, ct) switch
        {
            { Succeeded: false } refused => refused.Problem(),
            { Value.Replayed: true } replay => TypedResults.Ok(replay.Value!),
            var sold => TypedResults.Created($"/api/clients/{sold.Value!.OwnerClientId}/credits", sold.Value!),
        };
}
