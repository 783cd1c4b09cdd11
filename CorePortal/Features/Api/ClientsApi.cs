using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using CorePortal.Features.Auth;
using CorePortal.Features.Clients;
using CorePortal.Features.Common;
using CorePortal.Features.Credits;
using Microsoft.AspNetCore.Http.HttpResults;
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
        clients.MapGet("/", SearchAsync);
        clients.MapGet("/{clientId:int}", ProfileAsync);
        clients.MapGet("/{clientId:int}/credits", CreditsAsync);
        clients.MapPost("/", CreateAsync).RequireAuthorization(Policies.Staff);
        clients.MapPut("/{clientId:int}", UpdateAsync).RequireAuthorization(Policies.Staff);
    }

    /// <summary>One page of the clients whose name, email, phone or barcode matches, <see cref="ClientSearchService.DefaultPageSize"/> a page.</summary>
    private static async Task<Results<Ok<ClientPage>, ValidationProblem, ServiceProblem>> SearchAsync(string? query, ClaimsPrincipal user,
        ClientSearchService search, CancellationToken ct, [Description(Paging.PageDescription), Range(1, int.MaxValue)] int page = 1)
    {
        if (Paging.Refusal(page) is { } refused) return refused;
        var found = await search.SearchAsync(user, query, page - 1, ct: ct);
        return found.Succeeded ? TypedResults.Ok(found.Value!) : found.Problem();
    }

    private static async Task<Results<Ok<ClientProfile>, ServiceProblem>> ProfileAsync(int clientId, ClaimsPrincipal user, CreditReadService credits, CancellationToken ct) =>
        (await credits.ProfileAsync(user, clientId, ct)).ToHttp();

    private static async Task<Results<Ok<List<ApiPurchase>>, ServiceProblem>> CreditsAsync(int clientId, ClaimsPrincipal user, CreditReadService credits, CancellationToken ct)
    {
        if (await credits.ProfileAsync(user, clientId, ct) is { Succeeded: false } refused) return refused.Problem();
        return (await ApiPurchase.OfClientAsync(credits, user, clientId, ct)).ToHttp();
    }

    /// <summary>
    /// Answers with the profile as GET /api/clients/{id} shows it; a new client without a barcode gets one. A retried
    /// POST with the same Idempotency-Key returns the client the first one added (200).
    /// </summary>
    private static async Task<Results<Created<ClientProfile>, Ok<ClientProfile>, ServiceProblem>> CreateAsync(ClientInput body,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ClaimsPrincipal user, ClientEditService edits, CreditReadService credits, CancellationToken ct)
    {
        var saved = await edits.CreateAsync(user, body, idempotencyKey, ct);
        if (!saved.Succeeded) return saved.Problem();
        var profile = (await credits.ProfileAsync(user, saved.Value!.Id, ct)).Value!;
        return saved.Value.Replayed ? TypedResults.Ok(profile) : TypedResults.Created($"/api/clients/{saved.Value.Id}", profile);
    }

    private static async Task<Results<Ok<ClientProfile>, ServiceProblem>> UpdateAsync(int clientId, ClientInput body, ClaimsPrincipal user,
        ClientEditService edits, CreditReadService credits, CancellationToken ct)
    {
        var saved = await edits.UpdateAsync(user, clientId, body, ct);
        if (!saved.Succeeded) return saved.Problem();
        return TypedResults.Ok((await credits.ProfileAsync(user, saved.Value!.Id, ct)).Value!);
    }
}
