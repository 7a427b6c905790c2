import { useState } from 'preact/hooks';
import { api, type Me } from '../api';
import { Confirm, Empty, ErrorNote, Loading, Pager, useLoad } from '../ui';

type UserRow = Me & { phone_number?: string | null; country?: string | null; state?: string | null; created_at: string };

interface UsersPage {
  data: UserRow[];
  meta: { page: number; total_pages: number; total_count: number };
}

const ROLES = ['admin', 'user', 'readonly'] as const;

function RoleChange({ user, onDone }: { user: UserRow; onDone: () => void }) {
  const [role, setRole] = useState<Me['role']>(user.role);
  return (
    <span class="inline">
      <label>
        <span class="visually-hidden">Role for {user.email}</span>
        <select value={role} onChange={(event) => setRole((event.target as HTMLSelectElement).value as Me['role'])}>
          {ROLES.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </label>
      {role !== user.role ? (
        <Confirm
          label="Change role"
          question={`Make ${user.email} ${role}?`}
          onConfirm={async () => {
            // PUT replaces the profile: send it whole, with only the role changed.
            const { name, email, phone_number, country, state } = user;
            await api(`/users/${user.id}`, { method: 'PUT', body: JSON.stringify({ name, email, phone_number, country, state, role }) });
            onDone();
          }}
        />
      ) : null}
    </span>
  );
}

export function UsersView({ me }: { me: Me }) {
  const [page, setPage] = useState(1);
  const users = useLoad(() => api<UsersPage>(`/users?page=${page}&page_size=20&sort_by=created_at&order=desc`), [page]);
  const rows = users.data?.data ?? [];
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <ErrorNote error={users.error} />
      <Loading when={users.loading} />
      {rows.length === 0 && !users.loading ? <Empty>No users.</Empty> : null}
      <table>
        <caption>Users, newest first ({users.data?.meta.total_count ?? 0})</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((user) => (
            <tr key={user.id}>
              <td>{user.name}</td>
              <td>{user.email}</td>
              <td>{user.id === me.id ? user.role : <RoleChange user={user} onDone={users.reload} />}</td>
              <td>
                {user.id === me.id ? null : (
                  <Confirm
                    label="Delete"
                    question={`Soft delete ${user.email}?`}
                    onConfirm={async () => {
                      await api(`/users/${user.id}`, { method: 'DELETE' });
                      users.reload();
                    }}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager label="Users pages" page={page} totalPages={users.data?.meta.total_pages} onPage={setPage} />
    </section>
  );
}
