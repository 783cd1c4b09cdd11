using System.Security.Claims;
using CorePortal.Features.Common;

namespace CorePortal.Features.Memberships;

/// <summary>Freezes (holds) of one purchase: preview, freeze, and end early. Every rule is checked here, on the server.</summary>
public sealed class FreezeService
{
    /// <summary>What the freeze would write, or why it is refused; writes nothing.</summary>
    public Task<ServiceResult<FreezePlan>> PreviewAsync(ClaimsPrincipal user, int purchaseId, FreezeInput input, CancellationToken ct = default) =>
        throw new NotImplementedException();

    /// <summary>Writes the freeze as its plan says, in one transaction, and returns the plan written (FreezeId set).</summary>
    public Task<ServiceResult<FreezePlan>> FreezeAsync(ClaimsPrincipal user, int purchaseId, FreezeInput input, CancellationToken ct = default) =>
        throw new NotImplementedException();
}
