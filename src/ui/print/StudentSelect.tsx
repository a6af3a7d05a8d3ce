/** A select of a set's students by name (the label is the caller's). */
export function StudentSelect({ id, students, value, onChange }: { id: string; students: readonly { studentId: string; name: string }[]; value: string; onChange: (studentId: string) => void }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {students.map((s) => (
        <option key={s.studentId} value={s.studentId}>
          {s.name}
        </option>
      ))}
    </select>
  );
}
