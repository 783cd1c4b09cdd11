using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CorePortal.Data.PostgresMigrations
{
    /// <inheritdoc />
    public partial class BookingPolicies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "WaitlistSize",
                table: "Sessions",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "CapPerPeriod",
                table: "PurchaseShares",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CapTotal",
                table: "PurchaseShares",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "NotifyOwnerOnBooking",
                table: "PurchaseShares",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "Paused",
                table: "PurchaseShares",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "TimeZoneId",
                table: "Locations",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "WaitlistCutoffHours",
                table: "Locations",
                type: "integer",
                nullable: false,
                defaultValue: 2);

            migrationBuilder.AddColumn<int>(
                name: "GraceCount",
                table: "CatalogItems",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "GraceWindowDays",
                table: "CatalogItems",
                type: "integer",
                nullable: false,
                defaultValue: 30);

            migrationBuilder.AddColumn<bool>(
                name: "HasOwnBookingPolicy",
                table: "CatalogItems",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "LateCancelCost",
                table: "CatalogItems",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<int>(
                name: "LateCancelHours",
                table: "CatalogItems",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "NoShowCost",
                table: "CatalogItems",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<DateTime>(
                name: "CancelledAtUtc",
                table: "Bookings",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "CancelledLate",
                table: "Bookings",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "Penalty",
                table: "Bookings",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "UsesCredit",
                table: "Bookings",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "WaivedAtUtc",
                table: "Bookings",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WaivedBy",
                table: "Bookings",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            // Until now a booking held its credit unless cancelled (every cancellation refunded it).
            migrationBuilder.Sql("UPDATE \"Bookings\" SET \"UsesCredit\" = TRUE WHERE \"Status\" <> 3");

            migrationBuilder.CreateTable(
                name: "StudioSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    LateCancelHours = table.Column<int>(type: "integer", nullable: false),
                    LateCancelCost = table.Column<int>(type: "integer", nullable: false),
                    NoShowCost = table.Column<int>(type: "integer", nullable: false),
                    GraceCount = table.Column<int>(type: "integer", nullable: false),
                    GraceWindowDays = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StudioSettings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WaitlistEntries",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SessionId = table.Column<int>(type: "integer", nullable: false),
                    ClientId = table.Column<int>(type: "integer", nullable: false),
                    PurchaseId = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    JoinedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ResolvedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    BookingId = table.Column<int>(type: "integer", nullable: true),
                    Reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    ActiveClientId = table.Column<int>(type: "integer", nullable: true),
                    Actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WaitlistEntries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WaitlistEntries_Bookings_BookingId",
                        column: x => x.BookingId,
                        principalTable: "Bookings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_WaitlistEntries_Clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "Clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_WaitlistEntries_Purchases_PurchaseId",
                        column: x => x.PurchaseId,
                        principalTable: "Purchases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_WaitlistEntries_Sessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "Sessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "StudioSettings",
                columns: new[] { "Id", "GraceCount", "GraceWindowDays", "LateCancelCost", "LateCancelHours", "NoShowCost", "Version" },
                values: new object[] { 1, 0, 30, 1, 0, 1, new Guid("5f1c0b8e-6f1e-4a52-9a55-3f3c2d9a1b01") });

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_ClientId_CancelledLate_CancelledAtUtc",
                table: "Bookings",
                columns: new[] { "ClientId", "CancelledLate", "CancelledAtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_PurchaseId_ClientId_UsesCredit",
                table: "Bookings",
                columns: new[] { "PurchaseId", "ClientId", "UsesCredit" });

            migrationBuilder.CreateIndex(
                name: "IX_WaitlistEntries_BookingId",
                table: "WaitlistEntries",
                column: "BookingId");

            migrationBuilder.CreateIndex(
                name: "IX_WaitlistEntries_ClientId_Status",
                table: "WaitlistEntries",
                columns: new[] { "ClientId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_WaitlistEntries_PurchaseId",
                table: "WaitlistEntries",
                column: "PurchaseId");

            migrationBuilder.CreateIndex(
                name: "IX_WaitlistEntries_SessionId_ActiveClientId",
                table: "WaitlistEntries",
                columns: new[] { "SessionId", "ActiveClientId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WaitlistEntries_SessionId_Status_JoinedAtUtc",
                table: "WaitlistEntries",
                columns: new[] { "SessionId", "Status", "JoinedAtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "StudioSettings");

            migrationBuilder.DropTable(
                name: "WaitlistEntries");

            migrationBuilder.DropIndex(
                name: "IX_Bookings_ClientId_CancelledLate_CancelledAtUtc",
                table: "Bookings");

            migrationBuilder.DropIndex(
                name: "IX_Bookings_PurchaseId_ClientId_UsesCredit",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "WaitlistSize",
                table: "Sessions");

            migrationBuilder.DropColumn(
                name: "CapPerPeriod",
                table: "PurchaseShares");

            migrationBuilder.DropColumn(
                name: "CapTotal",
                table: "PurchaseShares");

            migrationBuilder.DropColumn(
                name: "NotifyOwnerOnBooking",
                table: "PurchaseShares");

            migrationBuilder.DropColumn(
                name: "Paused",
                table: "PurchaseShares");

            migrationBuilder.DropColumn(
                name: "TimeZoneId",
                table: "Locations");

            migrationBuilder.DropColumn(
                name: "WaitlistCutoffHours",
                table: "Locations");

            migrationBuilder.DropColumn(
                name: "GraceCount",
                table: "CatalogItems");

            migrationBuilder.DropColumn(
                name: "GraceWindowDays",
                table: "CatalogItems");

            migrationBuilder.DropColumn(
                name: "HasOwnBookingPolicy",
                table: "CatalogItems");

            migrationBuilder.DropColumn(
                name: "LateCancelCost",
                table: "CatalogItems");

            migrationBuilder.DropColumn(
                name: "LateCancelHours",
                table: "CatalogItems");

            migrationBuilder.DropColumn(
                name: "NoShowCost",
                table: "CatalogItems");

            migrationBuilder.DropColumn(
                name: "CancelledAtUtc",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "CancelledLate",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "Penalty",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "UsesCredit",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "WaivedAtUtc",
                table: "Bookings");

            migrationBuilder.DropColumn(
                name: "WaivedBy",
                table: "Bookings");
        }
    }
}
