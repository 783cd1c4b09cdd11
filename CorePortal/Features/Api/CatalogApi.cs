using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Catalog;
using CorePortal.Features.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CorePortal.Features.Api;

/// <summary>
/// Retail Configurations for managers: packages and memberships with their sharing settings. GET by id returns the
/// editable terms with their <c>version</c>; PUT sends them back, and a stale version is a 409.
/// </summary>
public static class CatalogApi
{
    public static void MapCatalogApi(this RouteGroupBuilder api)
    {
        var catalog = api.MapGroup("/catalog").WithTags("Catalog").RequireAuthorization(Policies.Manager);
        catalog.MapGet("/", ListAsync).ProducesProblems(StatusCodes.Status400BadRequest); // an unknown kind
        catalog.MapGet("/{itemId:int}", GetAsync);
        catalog.MapPost("/", CreateAsync);
        catalog.MapPut("/{itemId:int}", UpdateAsync);
    }

    private static async Task<List<CatalogItemView>> ListAsync(CatalogKind? kind, CatalogService items, CancellationToken ct) =>
        kind is { } one ? await items.ListAsync(one, ct) : [.. await items.ListAsync(CatalogKind.Package, ct), .. await items.ListAsync(CatalogKind.Membership, ct)];

    private static async Task<Results<Ok<CatalogItemInput>, ServiceProblem>> GetAsync(int itemId, CatalogService items, CancellationToken ct) =>
        await items.GetForEditAsync(itemId, ct) is { } item ? TypedResults.Ok(item) : ServiceResult.NotFound("No package or membership has that id.").Problem();

    private static async Task<Results<Created<CatalogItemInput>, ServiceProblem>> CreateAsync(CatalogItemInput body, ClaimsPrincipal user,
        CatalogService items, CancellationToken ct)
    {
        body.Id = null;
        var saved = await items.SaveAsync(user, body, ct);
        if (!saved.Succeeded) return saved.Problem();
        return TypedResults.Created($"/api/catalog/{saved.Value}", (await items.GetForEditAsync(saved.Value, ct))!);
    }

    private static async Task<Results<Ok<CatalogItemInput>, ServiceProblem>> UpdateAsync(int itemId, CatalogItemInput body, ClaimsPrincipal user,
        CatalogService items, CancellationToken ct)
    {
        body.Id = itemId;
        var saved = await items.SaveAsync(user, body, ct);
        if (!saved.Succeeded) return saved.Problem();
        return TypedResults.Ok((await items.GetForEditAsync(saved.Value, ct))!);
    }
}
