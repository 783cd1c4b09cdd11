using System.Security.Claims;
using CorePortal.Features.Auth;
using CorePortal.Features.Clients;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using Microsoft.AspNetCore.Mvc;

namespace CorePortal.Features.Api;

public sealed record ApiPeriod(int Id, DateOnly StartsOn, DateOnly EndsOn, int Used, int? Max, int? Remaining, Guid Version, bool IsCurrent);

/// <summary>A purchase the client owns or shares in; <c>Max</c> and <c>Remaining</c> are null for unlimited credits.</summary>
public sealed record ApiPurchase(int Id, string Kind, string Name, string Location, int OwnerClientId, string OwnerName,
    DateOnly StartsOn, DateOnly EndsOn, bool IsShared, bool IsActive, IReadOnlyList<ApiPeriod> Periods)
{
    public static ApiPurchase From(PurchaseCard p) => new(p.Id, p.Kind.ToString(), p.Name, p.Location, p.OwnerClientId, p.OwnerName,
        p.StartsOn, p.EndsOn, p.IsSharedWithClient, p.IsActive,
        [.. p.Periods.Select(r => new ApiPeriod(r.Id, r.StartsOn, r.EndsOn, r.Used, r.Max, r.Remaining, r.Version, r.IsCurrent))]);

    /// <summary>The client's own purchases, then those shared with them and accepted.</summary>
    public static async Task<ServiceResult<List<ApiPurchase>>> OfClientAsync(CreditReadService credits, ClaimsPrincipal user, int clientId, CancellationToken ct)
    {
        var own = await credits.PurchasesAsync(user, clientId, ct);
        if (own.Value is null) return ServiceResult.Failure<List<ApiPurchase>>(own);
        var shared = await credits.SharedWithAsync(user, clientId, ct);
        if (shared.Value is null) return ServiceResult.Failure<List<ApiPurchase>>(shared);
        return ServiceResult.Success<List<ApiPurchase>>([.. own.Value.Concat(shared.Value).Select(From)]);
    }
}

/// <summary>Client search, profile and balances for the studio team; new and edited clients for Staff.</summary>
public static class ClientsApi
{
    public static void MapClientsApi(this RouteGroupBuilder api)
    {
        var clients = api.MapGroup("/clients").WithTags("Clients").RequireAuthorization(Policies.StudioTeam);

        clients.MapGet("/", (string? query, int? page, ClientSearchService search, CancellationToken ct) =>
            search.SearchAsync(query, page ?? 0, ct: ct));

        clients.MapGet("/{clientId:int}", async (int clientId, ClaimsPrincipal user, CreditReadService credits, CancellationToken ct) =>
            (await credits.ProfileAsync(user, clientId, ct)).ToHttp());

        clients.MapGet("/{clientId:int}/credits", async (int clientId, ClaimsPrincipal user, CreditReadService credits, CancellationToken ct) =>
        {
            if (await credits.ProfileAsync(user, clientId, ct) is { Succeeded: false } refused) return ApiResults.Problem(refused);
            return (await ApiPurchase.OfClientAsync(credits, user, clientId, ct)).ToHttp();
        });

        // Both answer with the profile as GET /api/clients/{id} shows it; a new client without a barcode gets one.
        // A retried POST with the same Idempotency-Key returns the client the first one added (200).
        clients.MapPost("/", async (ClientInput body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ClaimsPrincipal user,
                ClientEditService edits, CreditReadService credits, CancellationToken ct) =>
                await (await edits.CreateAsync(user, body, idempotencyKey, ct)).ToHttpAsync(async saved => saved.Replayed
                    ? Results.Ok((await credits.ProfileAsync(user, saved.Id, ct)).Value)
                    : Results.Created($"/api/clients/{saved.Id}", (await credits.ProfileAsync(user, saved.Id, ct)).Value)))
            .RequireAuthorization(Policies.Staff);

        clients.MapPut("/{clientId:int}", async (int clientId, ClientInput body, ClaimsPrincipal user, ClientEditService edits, CreditReadService credits, CancellationToken ct) =>
                await (await edits.UpdateAsync(user, clientId, body, ct)).ToHttpAsync(async saved => Results.Ok((await credits.ProfileAsync(user, saved.Id, ct)).Value)))
            .RequireAuthorization(Policies.Staff);
    }
}
