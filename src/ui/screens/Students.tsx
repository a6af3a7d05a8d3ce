import type { Route } from '../router';
import { StudentList } from '../students/StudentList';
import { StudentPage } from '../students/StudentPage';
import '../students/students.css';

/** #/students: every class with its students; #/students/<id>[/<class>]: one student's page. */
export function StudentsScreen({ route }: { route: Route }) {
  const [studentId, classId] = route.params;
  return studentId ? <StudentPage key={`${studentId}/${classId ?? ''}`} studentId={studentId} {...(classId ? { classId } : {})} /> : <StudentList />;
}
