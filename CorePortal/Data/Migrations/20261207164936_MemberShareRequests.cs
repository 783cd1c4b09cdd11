using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CorePortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class MemberShareRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ShareRequests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RequestedByClientId = table.Column<int>(type: "INTEGER", nullable: false),
                    PurchaseId = table.Column<int>(type: "INTEGER", nullable: false),
                    PurchaseShareId = table.Column<int>(type: "INTEGER", nullable: true),
                    Contact = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ShareRequests_Clients_RequestedByClientId",
                        column: x => x.RequestedByClientId,
                        principalTable: "Clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ShareRequests_PurchaseShares_PurchaseShareId",
                        column: x => x.PurchaseShareId,
                        principalTable: "PurchaseShares",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ShareRequests_Purchases_PurchaseId",
                        column: x => x.PurchaseId,
                        principalTable: "Purchases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ShareRequests_PurchaseId",
                table: "ShareRequests",
                column: "PurchaseId");

            migrationBuilder.CreateIndex(
                name: "IX_ShareRequests_PurchaseShareId",
                table: "ShareRequests",
                column: "PurchaseShareId");

            migrationBuilder.CreateIndex(
                name: "IX_ShareRequests_RequestedByClientId_AtUtc",
                table: "ShareRequests",
                columns: new[] { "RequestedByClientId", "AtUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ShareRequests");
        }
    }
}
