using System.Security.Claims;
using CorePortal.Data;
using CorePortal.Features.Auth;
using CorePortal.Features.Common;
using CorePortal.Features.Memberships;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CorePortal.Features.Api;

/// <summary>A freeze as the API takes it: endsOn null freezes until unfrozen; mode null takes the item's default.</summary>
public sealed record FreezeRequestBody(DateOnly? StartsOn, DateOnly? EndsOn, FreezeMode? Mode = null, string? Note = null, string? OverrideNote = null,
    IReadOnlyList<BookingDecision>? Bookings = null);

/// <summary>An early end: the last frozen day, yesterday unless told.</summary>
public sealed record FreezeEndBody(DateOnly? LastFrozenDay = null);

/// <summary>
/// Freezes of a purchase, their early end, and bulk freezes with undo: the same services, rules and plans as the portal.
/// <c>?preview=true</c> on each returns the plan without writing.
/// </summary>
public static class FreezesApi
{
    public static void MapFreezesApi(this RouteGroupBuilder api)
    {
        var purchase = api.MapGroup("/purchases/{purchaseId:int}/freezes").WithTags("Freezes").RequireAuthorization(Policies.Staff);
        purchase.MapPost("/", FreezeAsync);
        purchase.MapPost("/{freezeId:int}/end", EndAsync);

        var bulk = api.MapGroup("/freezes/bulk").WithTags("Freezes").RequireAuthorization(Policies.Manager);
        bulk.MapGet("/", (ClaimsPrincipal user, BulkFreezeService service, CancellationToken ct) => ListAsync(user, service, ct));
        bulk.MapPost("/", BulkAsync);
        bulk.MapPost("/{bulkFreezeId:int}/undo", UndoAsync);
    }

    private static async Task<Results<Ok<FreezePlan>, ServiceProblem>> FreezeAsync(int purchaseId, FreezeRequestBody body, ClaimsPrincipal user,
        FreezeService freezes, CancellationToken ct, bool preview = false)
    {
        var input = new FreezeInput(body.StartsOn, body.EndsOn, body.Mode, body.Note, body.OverrideNote, body.Bookings);
        return (preview ? await freezes.PreviewAsync(user, purchaseId, input, ct) : await freezes.FreezeAsync(user, purchaseId, input, ct)).ToHttp();
    }

    /// <summary>The body is optional: without it the last frozen day is yesterday.</summary>
    private static async Task<Results<Ok<FreezePlan>, ServiceProblem>> EndAsync(int purchaseId, int freezeId, FreezeEndBody? body, ClaimsPrincipal user,
        FreezeService freezes, CancellationToken ct, bool preview = false)
    {
        var input = new FreezeEndInput(body?.LastFrozenDay);
        return (preview ? await freezes.PreviewEndAsync(user, purchaseId, freezeId, input, ct) : await freezes.EndAsync(user, purchaseId, freezeId, input, ct)).ToHttp();
    }

    private static async Task<Results<Ok<IReadOnlyList<BulkFreezeRow>>, ServiceProblem>> ListAsync(ClaimsPrincipal user, BulkFreezeService bulk, CancellationToken ct) =>
        (await bulk.ListAsync(user, ct)).ToHttp();

    private static async Task<Results<Ok<BulkFreezePlan>, ServiceProblem>> BulkAsync(BulkFreezeInput body, ClaimsPrincipal user, BulkFreezeService bulk,
        CancellationToken ct, bool preview = false) =>
        (preview ? await bulk.PreviewAsync(user, body, ct) : await bulk.ApplyAsync(user, body, ct)).ToHttp();

    private static async Task<Results<Ok<BulkFreezePlan>, ServiceProblem>> UndoAsync(int bulkFreezeId, ClaimsPrincipal user, BulkFreezeService bulk,
        CancellationToken ct, bool preview = false) =>
        (preview ? await bulk.PreviewUndoAsync(user, bulkFreezeId, ct) : await bulk.UndoAsync(user, bulkFreezeId, ct)).ToHttp();
}
