def list_people(person_id):
    people = [person_id]
    PEOPLE = people
    return [Person(p) for p in People]
