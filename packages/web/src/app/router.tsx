import { createBrowserRouter, Navigate } from 'react-router-dom';
import { AuditPage } from '../features/audit/audit-page.js';
import { SignInPage } from '../features/auth/sign-in-page.js';
import { CatalogPage } from '../features/catalog/catalog-page.js';
import { EntityPage } from '../features/catalog/entity-page.js';
import { ShiftPage } from '../features/fleet/shift-page.js';
import { ShiftsPage } from '../features/fleet/shifts-page.js';
import { TargetPage } from '../features/fleet/target-page.js';
import { CampaignPage } from '../features/health/campaign-page.js';
import { HealthDashboardPage } from '../features/health/health-dashboard-page.js';
import { LocationsPage } from '../features/locations/locations-page.js';
import { GroupPage } from '../features/org/group-page.js';
import { OrgPage } from '../features/org/org-page.js';
import { RadarEntryPage } from '../features/radar/radar-entry-page.js';
import { RadarPage } from '../features/radar/radar-page.js';
import { FlagPage } from '../features/toggles/flag-page.js';
import { FlagsPage } from '../features/toggles/flags-page.js';
import { CrashPage } from './crash-page.js';
import { AppLayout } from './layout.js';
import { NotFoundPage } from './not-found-page.js';

/**
 * Every page of the app. Entity pages use Backstage's URL shape
 * (/catalog/:namespace/:kind/:name) so links people already share keep working.
 *
 * @example
 * <RouterProvider router={createAppRouter()} />
 */
export function createAppRouter() {
  return createBrowserRouter([
    { path: '/sign-in', element: <SignInPage />, errorElement: <CrashPage /> },
    {
      element: <AppLayout />,
      errorElement: <CrashPage />,
      children: [
        { index: true, element: <Navigate to="/catalog" replace /> },
        { path: 'catalog', element: <CatalogPage /> },
        { path: 'catalog/:namespace/:kind/:name', element: <EntityPage /> },
        { path: 'org', element: <OrgPage /> },
        { path: 'org/:namespace/:name', element: <GroupPage /> },
        { path: 'locations', element: <LocationsPage /> },
        { path: 'fleet', element: <ShiftsPage /> },
        { path: 'fleet/:name', element: <ShiftPage /> },
        { path: 'fleet/:name/targets/:id', element: <TargetPage /> },
        { path: 'health', element: <HealthDashboardPage /> },
        { path: 'health/campaigns/:name', element: <CampaignPage /> },
        { path: 'radar', element: <RadarPage /> },
        { path: 'radar/:name', element: <RadarPage /> },
        { path: 'radar/:name/entries/:entryId', element: <RadarEntryPage /> },
        { path: 'toggles', element: <FlagsPage /> },
        { path: 'toggles/:project/flags/:name', element: <FlagPage /> },
        { path: 'audit', element: <AuditPage /> },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ]);
}
