namespace CorePortal.Features.Sharing;

/// <summary>The "Sharing" section.</summary>
public sealed class SharingOptions
{
    public const string Section = "Sharing";

    /// <summary>
    /// How many sharing requests (by email or barcode, matched or not) a member may make through the app in any 24 hours;
    /// past it the app answers 429. Counted from the database, so it holds across servers.
    /// </summary>
    public int MemberInvitationsPerDay { get; set; } = 10;
}
