using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Communique.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TemplateAssetFolders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AssetFolderId",
                table: "Templates",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "AssetFolderId",
                table: "Communications",
                type: "uuid",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AssetFolderId",
                table: "Templates");

            migrationBuilder.DropColumn(
                name: "AssetFolderId",
                table: "Communications");
        }
    }
}
