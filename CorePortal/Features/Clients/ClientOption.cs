namespace CorePortal.Features.Clients;

/// <summary>A client as a picker offers them: New Sale, sharing and booking.</summary>
public sealed record ClientOption(int Id, string Name, string Email, string Barcode);
